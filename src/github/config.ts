import { composeConfigGet } from "@probot/octokit-plugin-config";
import { ORG_CONFIG_REPO } from "../config/authority.js";
import { type ConfigReader, type ConfigResult, loadConfig } from "../config/load.js";
import { CONFIG_PATH } from "../config/schema.js";
import { MAX_YAML_FLOW_DEPTH, yamlFlowDepth } from "../domain/yaml-bounds.js";
import type { RepoSnapshot } from "./org.js";
import type { Octokit } from "./types.js";

/**
 * Largest configuration file parsed. Real ones are one or two KiB; YAML parsing costs far more per
 * byte than reading it (deep flow nesting, thousands of anchors), so larger files, and files nesting
 * deeper than MAX_YAML_FLOW_DEPTH, are refused as invalid before the parser sees them.
 */
export const MAX_CONFIG_BYTES = 8 * 1024;

function tooDeep(repo: string | undefined): Error {
  return Object.assign(
    new Error(`${repo ?? "a repository"}'s configuration file nests deeper than ${MAX_YAML_FLOW_DEPTH} levels`),
    { status: 422 },
  );
}

/** Refuses, unparsed, a file too large or too deeply nested to be a configuration file. */
function checkBounds(data: unknown, repo: string | undefined): void {
  if (byteSize(data) > MAX_CONFIG_BYTES) throw tooLarge(repo);
  if (typeof data === "string" && yamlFlowDepth(data) > MAX_YAML_FLOW_DEPTH) throw tooDeep(repo);
}

function tooLarge(repo: string | undefined): Error {
  return Object.assign(
    new Error(`${repo ?? "a repository"}'s configuration file is larger than ${MAX_CONFIG_BYTES} bytes`),
    {
      status: 422,
    },
  );
}

/** Size of a response body as Octokit hands it over: text, or bytes for an unknown media type. */
function byteSize(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data, "utf8");
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

type Endpoint = { method?: string; url?: string; owner?: string; repo?: string; path?: string };

/**
 * A config reader with exactly the semantics of `context.config` (the same plugin: repository file,
 * else the org's `.github` repository, `_extends`), that answers reads of the org's own
 * `.github/advisory-bot.yml` files from the repository snapshot already fetched by GraphQL.
 * Only `_extends` targets outside the snapshot cost a request. Every file read, from the snapshot or
 * not, is refused unparsed when larger than {@link MAX_CONFIG_BYTES}; with an empty snapshot this is
 * the capped form of `context.config`.
 */
export function snapshotConfigReader(octokit: Octokit, org: string, repos: readonly RepoSnapshot[]): ConfigReader {
  const byName = new Map(repos.map((r) => [r.name.toLowerCase(), r]));
  const request = Object.assign(
    async (endpoint: Endpoint) => {
      const known =
        endpoint.url === "/repos/{owner}/{repo}/contents/{path}" &&
        endpoint.path === CONFIG_PATH &&
        endpoint.owner?.toLowerCase() === org.toLowerCase()
          ? byName.get(endpoint.repo?.toLowerCase() ?? "")
          : undefined;
      if (!known) {
        const res = await octokit.request(endpoint as Parameters<Octokit["request"]>[0]);
        checkBounds(res.data, endpoint.repo);
        return res;
      }
      if (known.config === null) throw Object.assign(new Error("Not Found"), { status: 404 });
      checkBounds(known.config, endpoint.repo);
      return { status: 200, data: known.config, headers: { "content-type": "text/plain; charset=utf-8" } };
    },
    { endpoint: octokit.request.endpoint },
  );
  return {
    config: {
      get: (options) => composeConfigGet({ request } as never, options) as ReturnType<ConfigReader["config"]["get"]>,
    },
  };
}

/** Configuration of every repository in the snapshot, keyed by lower-cased repository name. */
export async function loadOrgConfigs(
  octokit: Octokit,
  org: string,
  repos: readonly RepoSnapshot[],
): Promise<Map<string, ConfigResult>> {
  const reader = snapshotConfigReader(octokit, org, repos);
  // Authority (security team, tracker, outside experts) comes only from the org's `.github` repository.
  const orgLevel = await loadConfig(reader, org, ORG_CONFIG_REPO);
  const out = new Map<string, ConfigResult>();
  for (const repo of repos) {
    const key = repo.name.toLowerCase();
    out.set(key, key === ORG_CONFIG_REPO ? orgLevel : await loadConfig(reader, org, repo.name, orgLevel));
  }
  return out;
}
