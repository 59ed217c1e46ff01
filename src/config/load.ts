import { withOrgAuthority } from "./authority.js";
import { type ConfigError, problemsFromZod } from "./errors.js";
import { CONFIG_PATH, type Config, configSchema, DEFAULT_CONFIG } from "./schema.js";

export type ConfigResult =
  | {
      ok: true;
      config: Config;
      files: string[];
      /** Authority keys a repository's own file set, ignored (only the org's `.github` repository sets them). */
      ignored?: string[];
    }
  | { ok: false; error: ConfigError };

interface ConfigFile {
  owner: string;
  repo: string;
  path: string;
  config: Record<string, unknown> | null;
}

/** The part of Probot's octokit this loader needs: the config plugin behind `context.config`. */
export interface ConfigReader {
  config: {
    get(options: {
      owner: string;
      repo: string;
      path: string;
      defaults?: (configs: Record<string, unknown>[]) => Record<string, unknown>;
    }): Promise<{ config: Record<string, unknown>; files: ConfigFile[] }>;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep merge where the nearer file wins and arrays are replaced, never concatenated. */
export function mergeConfigs(configs: Record<string, unknown>[]): Record<string, unknown> {
  const merge = (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
      const prev = out[key];
      out[key] = isPlainObject(prev) && isPlainObject(value) ? merge(prev, value) : value;
    }
    return out;
  };
  // The config plugin hands over the farthest file (`_extends` base) first and the repository's own file last.
  return configs.reduce<Record<string, unknown>>((acc, c) => merge(acc, c), {});
}

function normalize(config: Config): Config {
  const strip = (h: string) => h.replace(/^@/, "");
  return {
    ...config,
    securityTeam: { ...config.securityTeam, members: config.securityTeam.members.map(strip) },
    patchTeam: { ...config.patchTeam, outsideExperts: config.patchTeam.outsideExperts.map(strip) },
  };
}

/**
 * Loads `.github/advisory-bot.yml` the way `context.config` does (repository, else the org's `.github`
 * repository, following `_extends`), then validates it. Never throws for a bad file: every problem comes
 * back as a structured error so that the caller can report it and skip the repository.
 * With no file anywhere, the product's defaults apply.
 *
 * Given the org-level configuration, the authority keys (security team, tracker, outside experts) are
 * taken from it whatever the repository's file says, and an invalid org-level configuration makes the
 * repository's invalid too.
 */
export async function loadConfig(
  octokit: ConfigReader,
  owner: string,
  repo: string,
  orgLevel?: ConfigResult,
): Promise<ConfigResult> {
  const result = await loadOwnConfig(octokit, owner, repo);
  if (!orgLevel) return result.result;
  return withOrgAuthority(result.result, result.files, orgLevel, `${owner}/${repo}`);
}

async function loadOwnConfig(
  octokit: ConfigReader,
  owner: string,
  repo: string,
): Promise<{ result: ConfigResult; files: ConfigFile[] }> {
  const done = (result: ConfigResult, read: ConfigFile[] = []) => ({ result, files: read });
  const repository = `${owner}/${repo}`;
  let files: ConfigFile[];
  let merged: Record<string, unknown>;
  try {
    const result = await octokit.config.get({ owner, repo, path: CONFIG_PATH, defaults: mergeConfigs });
    files = result.files;
    merged = result.config;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status !== undefined && status !== 404 && status !== 422) throw err; // transient: let the caller retry
    const message =
      err instanceof Error ? err.message.replace(/^\[@probot\/octokit-plugin-config\]\s*/, "") : String(err);
    return done({ ok: false, error: { repository, files: [], problems: [{ path: "(file)", message }] } });
  }
  const found = files.filter((f) => f.config !== null);
  const names = found.map((f) => `${f.owner}/${f.repo}:${f.path}`);
  if (found.length === 0) return done({ ok: true, config: DEFAULT_CONFIG, files: [] });
  const empty = found.find((f) => f.config && Object.keys(f.config).length === 0);
  if (empty) {
    return done({
      ok: false,
      error: {
        repository,
        files: names,
        problems: [
          {
            path: "(file)",
            message: `${empty.owner}/${empty.repo}:${empty.path} is empty; add settings or delete the file`,
          },
        ],
      },
    });
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    return done({ ok: false, error: { repository, files: names, problems: problemsFromZod(parsed.error) } }, found);
  }
  return done({ ok: true, config: normalize(parsed.data), files: names }, found);
}
