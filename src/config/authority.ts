/**
 * Authority keys — who is the security team, where embargoed tracking issues live, who may be added
 * to a patch team without being a maintainer — are read only from the org-level configuration (the
 * org's `.github` repository). A repository's own file may set everything else for that repository;
 * the authority keys it sets are ignored and reported. When the org-level configuration is invalid,
 * no repository has a usable configuration: nothing falls back to a repository's file.
 */
import type { ConfigResult } from "./load.js";
import type { Config } from "./schema.js";

/** Dotted paths of the keys only the org-level configuration may set. */
export const AUTHORITY_KEYS: readonly string[] = ["securityTeam", "tracker", "patchTeam.outsideExperts"];

/** The org-level configuration lives in this repository of the org. */
export const ORG_CONFIG_REPO = ".github";

/** One configuration file as the config plugin read it. */
export interface RawConfigFile {
  owner: string;
  repo: string;
  path: string;
  config: Record<string, unknown> | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function getPath(obj: unknown, path: string): unknown {
  let at: unknown = obj;
  for (const key of path.split(".")) {
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

/** A copy of `obj` with `path` set to `value` (removed when `value` is undefined). */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split(".");
  if (key === undefined) return obj;
  const out = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[key];
    else out[key] = structuredClone(value);
    return out;
  }
  const inner = isObject(out[key]) ? (out[key] as Record<string, unknown>) : {};
  out[key] = setPath(inner, rest.join("."), value);
  return out;
}

export function isOrgConfigFile(file: Pick<RawConfigFile, "owner" | "repo">, org: string): boolean {
  return file.owner.toLowerCase() === org.toLowerCase() && file.repo.toLowerCase() === ORG_CONFIG_REPO;
}

/**
 * A repository's configuration with every authority key taken from the org level. `files` are the
 * files the repository's configuration was read from; those outside the org's `.github` repository
 * that set an authority key are named in `ignored`.
 */
export function withOrgAuthority(
  result: ConfigResult,
  files: readonly RawConfigFile[],
  orgLevel: ConfigResult,
  repository: string,
): ConfigResult {
  const org = repository.split("/")[0] ?? "";
  if (!orgLevel.ok) {
    // The org's error, reported for this repository too: it is skipped until the org file is fixed.
    return { ok: false, error: { ...orgLevel.error, repository } };
  }
  if (!result.ok) return result;
  let config = result.config as unknown as Record<string, unknown>;
  for (const key of AUTHORITY_KEYS) config = setPath(config, key, getPath(orgLevel.config, key));
  const ignored = files.flatMap((f) => {
    if (f.config === null || isOrgConfigFile(f, org)) return [];
    const keys = AUTHORITY_KEYS.filter((k) => getPath(f.config, k) !== undefined);
    return keys.length > 0 ? [`${f.owner}/${f.repo}:${f.path} sets ${keys.join(", ")}`] : [];
  });
  return {
    ok: true,
    config: config as unknown as Config,
    files: result.files,
    ...(ignored.length > 0 ? { ignored } : {}),
  };
}
