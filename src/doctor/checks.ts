/**
 * The doctor's checks as pure functions: each takes what was read from GitHub for one org and
 * returns findings. No I/O here, so every rule is testable without a server.
 */
import type { ConfigResult } from "../config/load.js";
import { type Config, DEFAULT_ROSTER_FILES } from "../config/schema.js";
import { EMPTY_MANIFESTS, formatPackage, resolvePackage } from "../domain/packages.js";
import { staffingGap } from "../domain/patch-team.js";
import { mergeRosters, parseRoster, type RosterWarning } from "../domain/rosters.js";
import type { RepoSnapshot } from "../github/org.js";
import { type AppManifest, levelRank } from "./manifest.js";
import type { Finding } from "./report.js";

const APP_SETTINGS = "the App's settings (Permissions & events)";
const ACCEPT =
  "an org owner accepts the updated request in the org's Settings → GitHub Apps → Configure (Review request)";

function list(items: readonly string[], max = 6): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

function validConfigs(configs: Map<string, ConfigResult>): Config[] {
  const out: Config[] = [];
  for (const c of configs.values()) if (c.ok) out.push(c.config);
  return out;
}

/** Repositories an advisory can live in: public, not archived, and not the org's `.github` repository. */
export function advisoryRepos(
  repos: readonly RepoSnapshot[],
  trackers: ReadonlySet<string> = new Set(),
): RepoSnapshot[] {
  return repos.filter(
    (r) => !r.private && !r.archived && r.name.toLowerCase() !== ".github" && !trackers.has(r.name.toLowerCase()),
  );
}

/** Tracker repository names (lower case) named by valid configurations. */
export function trackerNames(configs: Map<string, ConfigResult>): Set<string> {
  const names = new Set<string>();
  for (const c of validConfigs(configs)) if (c.tracker.repo) names.add(c.tracker.repo.toLowerCase());
  return names;
}

/**
 * Permissions granted to the installation against those `app.yml` asks for. The configuration can
 * change what is needed: `securityTeam.enforce: true` needs `members: write`, and with
 * `publish.annotateRelease: false` everywhere `contents: read` suffices.
 */
export function checkPermissions(
  org: string,
  manifest: AppManifest,
  granted: Record<string, string | undefined>,
  configs: Map<string, ConfigResult>,
): Finding[] {
  const valid = validConfigs(configs);
  const findings: Finding[] = [];
  const needed = manifest.permissions.map((p) => {
    if (p.name === "members" && valid.some((c) => c.securityTeam.enforce) && levelRank(p.level) < levelRank("write")) {
      return { ...p, level: "write" as const, reason: `${p.reason} (securityTeam.enforce is on)`.trim() };
    }
    if (p.name === "contents" && valid.length > 0 && valid.every((c) => !c.publish.annotateRelease)) {
      return { ...p, level: "read" as const };
    }
    return p;
  });
  for (const p of needed) {
    const have = granted[p.name];
    if (levelRank(have) >= levelRank(p.level)) continue;
    findings.push({
      org,
      check: `permission ${p.name}`,
      status: "fail",
      detail: `granted ${have ?? "none"}, needed ${p.level}${p.reason ? `: ${p.reason}` : ""}`,
      fix: `Give the App ${p.name}: ${p.level} in ${APP_SETTINGS}, then ${ACCEPT}.`,
    });
  }
  if (findings.length === 0) {
    findings.push({
      org,
      check: "permissions",
      status: "ok",
      detail: `all ${needed.length} granted (${needed.map((p) => `${p.name}: ${p.level}`).join(", ")})`,
      fix: null,
    });
  }
  return findings;
}

/** Webhook events the installation receives against those `app.yml` subscribes to. */
export function checkEvents(org: string, manifest: AppManifest, subscribed: readonly string[]): Finding[] {
  const have = new Set(subscribed);
  const missing = manifest.events.filter((e) => !have.has(e.name));
  if (missing.length === 0) {
    return [{ org, check: "events", status: "ok", detail: `all ${manifest.events.length} subscribed`, fix: null }];
  }
  return missing.map((e) => ({
    org,
    check: `event ${e.name}`,
    status: "fail" as const,
    detail: `not subscribed${e.reason ? ` (needed for ${e.reason})` : ""}; the sweep heals what it misses, late`,
    fix: `Subscribe the App to "${e.name}" in ${APP_SETTINGS}, then ${ACCEPT}.`,
  }));
}

/** Configuration of every repository: invalid ones are grouped by their problems (an org file breaks them all). */
export function checkConfigs(org: string, configs: Map<string, ConfigResult>): Finding[] {
  const groups = new Map<string, { repos: string[]; message: string; files: string[] }>();
  let files = new Set<string>();
  let valid = 0;
  for (const result of configs.values()) {
    if (result.ok) {
      valid += 1;
      files = new Set([...files, ...result.files]);
      continue;
    }
    const { error } = result;
    const key = JSON.stringify([error.files, error.problems]);
    const group = groups.get(key) ?? {
      repos: [],
      files: error.files,
      message: error.problems.map((p) => `${p.path} → ${p.message}`).join("; "),
    };
    group.repos.push(error.repository.split("/")[1] ?? error.repository);
    groups.set(key, group);
  }
  const findings: Finding[] = [];
  const ignored = [...new Set([...configs.values()].flatMap((c) => (c.ok ? (c.ignored ?? []) : [])))];
  if (ignored.length > 0) {
    findings.push({
      org,
      check: "config",
      status: "warn",
      detail: `ignored: ${ignored.join("; ")} — the security team, the tracker and outside experts come only from the org's .github repository`,
      fix: "Move these keys to the org's .github/advisory-bot.yml (or delete them from the repository's file).",
    });
  }
  for (const g of groups.values()) {
    const where = g.files.length > 0 ? g.files.join(" → ") : `.github/advisory-bot.yml of ${list(g.repos, 3)}`;
    findings.push({
      org,
      check: "config",
      status: "fail",
      detail: `${where}: ${g.message} (skips ${g.repos.length} repositor${g.repos.length === 1 ? "y" : "ies"}: ${list(g.repos)})`,
      fix: `Fix ${g.files[0] ?? "the file"} (schema/advisory-bot.schema.json validates it in an editor); those repositories are skipped until then.`,
    });
  }
  if (findings.every((f) => f.status !== "fail")) {
    findings.push({
      org,
      check: "config",
      status: "ok",
      detail:
        files.size > 0
          ? `valid for all ${valid} repositories (${[...files].join(", ")})`
          : `no .github/advisory-bot.yml anywhere: the defaults apply to all ${valid} repositories`,
      fix: null,
    });
  }
  return findings;
}

/** Each configured tracker repository exists, is visible to the app, and is private. */
export function checkTrackers(
  org: string,
  configs: Map<string, ConfigResult>,
  repos: readonly RepoSnapshot[],
): Finding[] {
  const valid = [...configs.entries()].filter(([, c]) => c.ok) as Array<[string, ConfigResult & { ok: true }]>;
  if (valid.length === 0) {
    return [
      {
        org,
        check: "tracker",
        status: "warn",
        detail: "cannot tell: no repository has a valid configuration",
        fix: "Fix the configuration first (see the config rows).",
      },
    ];
  }
  const findings: Finding[] = [];
  const untracked = valid.filter(([, c]) => !c.config.tracker.repo).map(([name]) => name);
  const candidates = new Set(advisoryRepos(repos, trackerNames(configs)).map((r) => r.name.toLowerCase()));
  const untrackedCode = untracked.filter((name) => candidates.has(name));
  if (untrackedCode.length > 0) {
    const names = untrackedCode.map((n) => repos.find((r) => r.name.toLowerCase() === n)?.name ?? n);
    findings.push({
      org,
      check: "tracker",
      status: "warn",
      detail: `no tracker.repo configured for ${list(names)}: their advisories are accepted, staffed and forked but get no tracking issue, dashboard or commands`,
      fix: "Set tracker.repo to a private repository in the org's .github/advisory-bot.yml.",
    });
  }
  for (const name of trackerNames(configs)) {
    const repo = repos.find((r) => r.name.toLowerCase() === name);
    if (!repo) {
      findings.push({
        org,
        check: "tracker",
        status: "fail",
        detail: `${org}/${name} does not exist or the app is not installed on it`,
        fix: `Create the private repository ${org}/${name} (or fix tracker.repo) and include it in the installation's repositories.`,
      });
    } else if (repo.visibility !== "private") {
      findings.push({
        org,
        check: "tracker",
        status: "fail",
        detail:
          repo.visibility === "internal"
            ? `${org}/${repo.name} is internal: every member of the enterprise can read it, and tracking issues hold embargoed details`
            : `${org}/${repo.name} is public: tracking issues hold embargoed details and need a private repository`,
        fix: `Make ${org}/${repo.name} private (Settings → General → Danger Zone → Change visibility), or point tracker.repo at a private repository.`,
      });
    } else {
      findings.push({
        org,
        check: "tracker",
        status: "ok",
        detail: `${org}/${repo.name} exists and is private`,
        fix: null,
      });
    }
  }
  return findings;
}

/** Roster files: active repositories whose rosters yield nobody, and lines the parsers could not read. */
export function checkRosters(
  org: string,
  repos: readonly RepoSnapshot[],
  configs: Map<string, ConfigResult>,
): Finding[] {
  const empty: string[] = [];
  const warnings: RosterWarning[] = [];
  let active = 0;
  for (const repo of advisoryRepos(repos, trackerNames(configs))) {
    // With an invalid configuration the app skips the repository; its rosters are still worth checking.
    const cfg = configs.get(repo.name.toLowerCase());
    const files = cfg?.ok ? cfg.config.maintainers.files : DEFAULT_ROSTER_FILES;
    const inactive = cfg?.ok ? cfg.config.inactive : [];
    const roster = mergeRosters(
      files.flatMap((file) => {
        const text = repo.files[file];
        return typeof text === "string" ? [parseRoster(file, text)] : [];
      }),
    );
    const state = { name: repo.name, archived: repo.archived, roster };
    const gap = staffingGap(repo.name, [state], inactive);
    if (gap?.reason === "inactive") continue;
    active += 1;
    if (gap?.reason === "no-maintainers") empty.push(repo.name);
    warnings.push(...roster.warnings.map((w) => ({ ...w, file: `${repo.name}/${w.file}` })));
  }
  const findings: Finding[] = [];
  if (empty.length > 0) {
    findings.push({
      org,
      check: "rosters",
      status: "warn",
      detail: `${empty.length} active repositor${empty.length === 1 ? "y lists" : "ies list"} no maintainer: ${list(empty)}; their advisories are staffed by the security team only`,
      fix: "Add an OWNERS.md, MAINTAINERS.md or CODEOWNERS naming the maintainers (@handle), or list the repository under `inactive` if it is deprecated.",
    });
  }
  if (warnings.length > 0) {
    const sample = warnings.slice(0, 3).map((w) => `${w.file}:${w.line} ${w.reason}`);
    findings.push({
      org,
      check: "roster warnings",
      status: "warn",
      detail: `${warnings.length} roster line(s) not understood or contradicting another file, e.g. ${sample.join("; ")}`,
      fix: "Write entries as `- Full Name (@handle)` under an Owners:/Maintainers: heading, or `* @handle` rules in CODEOWNERS; remove former maintainers from files that still list them (a CODEOWNERS derived from OWNERS.md). See docs/rosters.md.",
    });
  }
  if (findings.length === 0) {
    findings.push({
      org,
      check: "rosters",
      status: "ok",
      detail: `${active} active repositor${active === 1 ? "y lists" : "ies list"} maintainers; no roster warnings`,
      fix: null,
    });
  }
  return findings;
}

/** Each configured security team exists (GitHub team) and the security team is not empty. */
export function checkSecurityTeams(
  org: string,
  configs: Map<string, ConfigResult>,
  teams: Map<string, string[] | null | Error>,
): Finding[] {
  const valid = validConfigs(configs);
  if (valid.length === 0) return [];
  const findings: Finding[] = [];
  const listed = new Set(valid.flatMap((c) => c.securityTeam.members.map((m) => m.toLowerCase())));
  for (const [slug, members] of teams) {
    if (members instanceof Error) {
      findings.push({
        org,
        check: "security team",
        status: "warn",
        detail: `could not read @${org}/${slug}: ${members.message}`,
        fix: "Grant the App members: read (see the permission rows) and run the doctor again.",
      });
    } else if (members === null) {
      findings.push({
        org,
        check: "security team",
        status: "fail",
        detail: `team @${org}/${slug} (securityTeam.team) does not exist or is secret to the app; only the handles in securityTeam.members form the security team`,
        fix: `Create the team ${slug} in the org with the security team's members, or fix securityTeam.team.`,
      });
    } else if (members.length === 0 && listed.size === 0) {
      findings.push({
        org,
        check: "security team",
        status: "warn",
        detail: `team @${org}/${slug} has no members and securityTeam.members is empty: nobody engages with reports`,
        fix: `Add the security team's members to @${org}/${slug}.`,
      });
    } else {
      findings.push({
        org,
        check: "security team",
        status: "ok",
        detail: `@${org}/${slug} exists with ${members.length} member(s)${listed.size > 0 ? `, plus ${listed.size} handle(s) in securityTeam.members` : ""}`,
        fix: null,
      });
    }
  }
  if (teams.size === 0) {
    findings.push(
      listed.size > 0
        ? {
            org,
            check: "security team",
            status: "ok",
            detail: `${listed.size} handle(s) in securityTeam.members (no GitHub team configured)`,
            fix: null,
          }
        : {
            org,
            check: "security team",
            status: "warn",
            detail: "no securityTeam.team and no securityTeam.members: advisories are staffed by maintainers only",
            fix: "Set securityTeam.team (a GitHub team slug) or securityTeam.members in the org's .github/advisory-bot.yml.",
          },
    );
  }
  return findings;
}

/** Outcome of asking GitHub whether private vulnerability reporting is on for one repository. */
export type ReportingState = { repo: string; enabled: boolean } | { repo: string; unknown: string };

/** Private vulnerability reporting on every repository an advisory can live in. */
export function checkReporting(org: string, states: readonly ReportingState[]): Finding[] {
  const off = states.filter((s) => "enabled" in s && !s.enabled).map((s) => s.repo);
  const on = states.filter((s) => "enabled" in s && s.enabled).length;
  const unknown = states.filter((s): s is { repo: string; unknown: string } => "unknown" in s);
  const findings: Finding[] = [];
  if (off.length > 0) {
    findings.push({
      org,
      check: "private reporting",
      status: "fail",
      detail: `private vulnerability reporting is off in ${list(off)}: reporters there cannot report privately`,
      fix: "Enable it per repository (Settings → Code security → Private vulnerability reporting) or for the whole org (org Settings → Code security).",
    });
  }
  if (unknown.length > 0) {
    const reasons = [...new Set(unknown.map((u) => u.unknown))];
    findings.push({
      org,
      check: "private reporting",
      status: "warn",
      detail: `unknown for ${list(unknown.map((u) => u.repo))}: ${reasons.join("; ")}`,
      fix: "Check Settings → Code security → Private vulnerability reporting by hand.",
    });
  }
  if (findings.length === 0) {
    findings.push({
      org,
      check: "private reporting",
      status: "ok",
      detail: `enabled in all ${on} public repositor${on === 1 ? "y" : "ies"}`,
      fix: null,
    });
  }
  return findings;
}

/**
 * The package each repository's drafts made by command will name (`create`, `convert`,
 * `also-affects`), and where it comes from: `packages` in the configuration, a manifest, or GitHub's
 * primary language. A repository where nothing is known cannot get a draft by command. Deprecated
 * (`inactive`) repositories are left out.
 */
export function checkPackages(
  org: string,
  repos: readonly RepoSnapshot[],
  configs: Map<string, ConfigResult>,
): Finding[] {
  const inactive = new Set(validConfigs(configs).flatMap((c) => c.inactive.map((r) => r.toLowerCase())));
  return advisoryRepos(repos, trackerNames(configs))
    .filter((repo) => !inactive.has(repo.name.toLowerCase()))
    .map((repo): Finding => {
      const cfg = configs.get(repo.name.toLowerCase());
      const resolved = resolvePackage({
        repo: repo.name,
        manifests: repo.manifests ?? EMPTY_MANIFESTS,
        configured: cfg?.ok ? cfg.config.packages[repo.name] : undefined,
      });
      const check = `package ${repo.name}`;
      if (!resolved)
        return {
          org,
          check,
          status: "warn",
          detail:
            "no package known: no manifest the app reads and no primary language; `/advisory create` and `convert` refuse here",
          fix: `Set \`packages.${repo.name}: { ecosystem: …, name: … }\` in the org's configuration.`,
        };
      const named = resolved.package.name !== undefined;
      return {
        org,
        check,
        status: named ? "ok" : "warn",
        detail: `${formatPackage(resolved.package)} — from ${resolved.detail}`,
        fix: named ? null : `Drafts will name the ecosystem only; set \`packages.${repo.name}\` to name the package.`,
      };
    });
}
