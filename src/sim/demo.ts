/**
 * The offline demo behind `npm run demo`: plays the advisory lifecycle on the end-to-end bed (the
 * simulator and the real app, signed webhooks over HTTP on loopback) and prints a timeline. For each
 * step it shows what GitHub sent, what the app wrote back, what that cost in requests, and where each
 * followed advisory stands afterwards.
 *
 * Steps are data: `DEMO_STEPS` is the lifecycle so far; more steps (publication, commands) are
 * appended to it, or passed to `runDemo({ steps })`.
 */
import { createHmac, randomBytes } from "node:crypto";
import { parseReply } from "../domain/command-reply.js";
import { parseRoster } from "../domain/rosters.js";
import { DASHBOARD_LABEL, TRACKING_LABEL } from "../domain/tracking.js";
import { BED_SECRET, type Bed, type BedOptions, startBed } from "./harness.js";
import type { AdvisoryRecord, Delivery, DeliveryResult, RecordedRequest, Simulator } from "./index.js";
import { CODEOWNERS_ORAS_GO, ORG, seedOras, TRACKER } from "./oras-world.js";

// ------------------------------------------------------------------ step definitions

/** What a step can use while it plays. */
export interface DemoContext {
  bed: Bed;
  sim: Simulator;
  installationId: number;
  /** Follow an advisory in the timeline from now on, under a short label. */
  follow(label: string, ghsa: string): void;
  /** The GHSA id of a followed advisory. */
  ghsa(label: string): string;
}

export interface DemoStep {
  title: string;
  /** What happens and what the policy expects of the app, in a sentence or two. */
  story: string;
  /** Simulated minutes between the previous step and this one. */
  after?: number;
  /** Plays the step (user-side actions on the simulator, or a sweep); returned lines are printed as facts. */
  play(ctx: DemoContext): Promise<string[] | undefined>;
}

// ------------------------------------------------------------------ what a played step shows

export interface DeliveryLine extends DeliveryResult {
  /** The delivery answers one of the app's own writes (GitHub echoes them as webhooks). */
  echo: boolean;
  skipped: string | null;
}

export interface WriteLine {
  method: string;
  /** A short description of the write, e.g. `advisory GHSA-… (state: draft, 7 collaborators)`. */
  what: string;
  status: number;
}

export interface StepCost {
  /** REST reads and GraphQL queries. */
  reads: number;
  /** GraphQL queries (part of `reads`). */
  graphql: number;
  writes: number;
  /** Installation token requests (counted apart). */
  tokens: number;
}

export interface TrackingView {
  number: number;
  title: string;
  open: boolean;
  checked: number;
  items: number;
  /** Tracking issues that name the advisory (one, unless something went wrong). */
  count: number;
}

export interface AdvisoryView {
  label: string;
  ghsa: string;
  repo: string;
  state: string;
  collaborators: string[];
  teams: string[];
  fork: string | null;
  forkPending: boolean;
  tracking: TrackingView | null;
  /** The description's `###` headings, in order (GitHub's template: Impact, Patches, Workarounds, References). */
  headings: string[];
}

export interface PlayedStep {
  index: number;
  title: string;
  /** Simulated time the step played at (ISO). */
  at: string;
  facts: string[];
  deliveries: DeliveryLine[];
  writes: WriteLine[];
  cost: StepCost;
  /** Every followed advisory after the step. */
  advisories: AdvisoryView[];
  /** The step's part of the timeline, as printed. */
  lines: string[];
}

export interface DemoOptions {
  out: (line: string) => void;
  /** Leave the simulator and the app running, and print how to talk to them. */
  keep?: boolean;
  /** ANSI emphasis (only for a terminal). */
  color?: boolean;
  /** The steps to play (default `DEMO_STEPS`). */
  steps?: readonly DemoStep[];
  bed?: BedOptions;
}

export interface DemoResult {
  steps: PlayedStep[];
  /** Stops the bed (a no-op unless `keep`). */
  close(): Promise<void>;
  /** Set in keep mode: where things listen and the sweep token. */
  running?: {
    simUrl: string;
    appUrl: string;
    webhookUrl: string;
    secret: string;
    sweepToken: string;
    apiToken: string;
  };
}

// ------------------------------------------------------------------ the ORAS lifecycle

const REPORT = {
  reporter: "reporter1",
  summary: "Path traversal when extracting crafted artifacts",
  description:
    "### Impact\nA crafted manifest makes `oras pull` write outside the target directory.\n\n### Details\nLayer titles are joined to the output path without cleaning.\n",
  severity: "high" as const,
};

/** OWNERS.md of oras-go after the roster change: Sylvia Lei steps down, Xiaoxuan Wang joins. */
export const OWNERS_ORAS_GO_AFTER = `# Owners

This file lists the owners of oras-go.

Owners:
  - Shiwei Zhang (@shizhMSFT)
  - Billy Zha (@qweeah)
  - Xiaoxuan Wang (@wangxiaoxuan273)

Emeritus:
  - Avi Deitcher (@deitch)
  - Sylvia Lei (@Wwwsylvia)
`;

/** CODEOWNERS follows OWNERS.md in the same commit (it still carries the drifted @TerryHowe). */
export const CODEOWNERS_ORAS_GO_AFTER = CODEOWNERS_ORAS_GO.replace("@Wwwsylvia", "@wangxiaoxuan273");

async function sweepFacts(ctx: DemoContext): Promise<string[]> {
  const summary = await ctx.bed.bot.sweepAll();
  await ctx.sim.idle();
  return summary.orgs.map(
    (o) =>
      `sweep      ${o.org}: ${o.cases} case(s), ${o.writes} write(s)${o.problems.length > 0 ? `, ${o.problems.length} problem(s)` : ""}`,
  );
}

function rosterLine(file: string, text: string): string {
  const roster = parseRoster(file, text);
  const active = roster.active.map((p) => p.login).join(" ");
  const emeritus = roster.emeritus.map((p) => p.login).join(" ");
  return `${file}: ${active || "nobody"}${emeritus ? ` · emeritus ${emeritus}` : ""}`;
}

/** The tracking issue number of a followed advisory. */
function trackingNumber(ctx: DemoContext, label: string): number {
  const ghsa = ctx.ghsa(label);
  const issue = ctx.sim.world
    .listIssues(ORG, TRACKER)
    .find((i) => i.labels.includes(TRACKING_LABEL) && (i.title.includes(ghsa) || (i.body ?? "").includes(ghsa)));
  if (!issue) throw new Error(`no tracking issue for ${ghsa}`);
  return issue.number;
}

/** Posts a comment with commands on a followed advisory's tracking issue and returns the app's answers. */
async function commandFacts(ctx: DemoContext, label: string, user: string, body: string): Promise<string[]> {
  const issue = trackingNumber(ctx, label);
  const sent = await ctx.sim.comment(ORG, TRACKER, issue, user, body);
  await ctx.sim.idle();
  const reply = ctx.sim.world
    .listComments(ORG, TRACKER, issue)
    .find((c) => parseReply(c.body)?.commentId === sent.comment_id);
  const entries = parseReply(reply?.body)?.entries ?? [];
  return [
    `comment    @${user} on ${TRACKER}#${issue}`,
    ...entries.flatMap((e) => {
      const lines = e.message
        .split("\n")
        .filter(Boolean)
        .map((l) => l.replace(/^\s*- /, "").slice(0, 100));
      return [`  ${e.ok ? "✅" : "❌"} ${e.text} — ${lines[0] ?? ""}`, ...lines.slice(1).map((l) => `       ${l}`)];
    }),
  ];
}

/**
 * A maintainer's draft written in GitHub's own advisory template: Impact (the overview and the
 * details), Patches, Workarounds, References. It passes the disclosure check as it is.
 */
export const GITHUB_TEMPLATE = (fix: string) =>
  [
    "### Impact",
    "A crafted reference string crashes the resolver of oras-go: the reference parser indexes past the end",
    "of its input, so any program that resolves a reference a user supplies can be made to panic.",
    "",
    "### Patches",
    `Fixed in ${fix}. Users should upgrade to ${fix} or later.`,
    "",
    "### Workarounds",
    "Validate references with `registry.ParseReference` before resolving them.",
    "",
    "### References",
    `- https://github.com/oras-project/oras-go/releases/tag/${fix}`,
    "",
  ].join("\n");

export const DEMO_STEPS: DemoStep[] = [
  {
    title: "Seed the org",
    story:
      "An ORAS-like org installs the app: roster files in the formats ORAS uses, an archived and an inactive repository, a private tracker.",
    async play(ctx) {
      const { world } = ctx.sim;
      const repos = [...world.repos.values()].filter((r) => r.owner.toLowerCase() === ORG.toLowerCase());
      const width = Math.max(...repos.map((r) => r.name.length)) + 2;
      const facts = [`org        ${ORG} (installation ${ctx.installationId})`];
      repos.forEach((repo, i) => {
        const flags = [
          repo.private ? "private" : null,
          repo.archived ? "archived" : null,
          repo.name === TRACKER ? "the tracker" : null,
          repo.name === "artifacts-spec" ? "inactive (config)" : null,
        ].filter(Boolean);
        const details = [...repo.files.entries()]
          .filter(([path]) => !path.endsWith("advisory-bot.yml"))
          .map(([path, text]) => rosterLine(path, text));
        if (repo.files.has(".github/advisory-bot.yml"))
          details.push(".github/advisory-bot.yml: the org's configuration");
        const head = `${i === 0 ? "repos      " : "           "}${repo.name.padEnd(width)}`;
        const lines = [flags.join(", "), ...details].filter((l) => l !== "");
        facts.push(`${head}${lines[0] ?? ""}`);
        for (const line of lines.slice(1)) facts.push(`${" ".repeat(11 + width)}${line}`);
      });
      facts.push(
        `security   team @${ORG}/security (${world.teamMembers(ORG, "security").join(", ")}) ∪ configured member sajay`,
        `tracker    ${ORG}/${TRACKER} (private); tracking issues carry the label "advisory"`,
      );
      return facts;
    },
  },
  {
    title: "A private vulnerability report arrives on oras-go",
    story:
      "reporter1 uses private vulnerability reporting. The app accepts it into a draft, staffs it from the rosters (emeritus excluded), requests the private fork and opens a tracking issue.",
    after: 5,
    async play(ctx) {
      const { ghsa_id } = await ctx.sim.reportVulnerability(ORG, "oras-go", REPORT);
      await ctx.sim.idle();
      ctx.follow("report", ghsa_id);
      return [`report     ${ghsa_id} by @${REPORT.reporter}, severity ${REPORT.severity}`];
    },
  },
  {
    title: "The periodic sweep",
    story:
      "GitHub has finished the temporary private fork meanwhile. The sweep ticks the tracking issue's checklist; the advisory itself needs nothing. Its first run also opens the tracker's pinned dashboard and security-team audit issues.",
    after: 15,
    async play(ctx) {
      ctx.sim.tick();
      return sweepFacts(ctx);
    },
  },
  {
    title: "A roster change on oras-go",
    story:
      "A push to main moves @Wwwsylvia to Emeritus in OWNERS.md and adds @wangxiaoxuan273 as owner (CODEOWNERS follows). Every open advisory of oras-go is re-staffed in one PATCH.",
    after: 60,
    async play(ctx) {
      const pushed = await ctx.sim.push(ORG, "oras-go", {
        pusher: "shizhMSFT",
        files: { "OWNERS.md": OWNERS_ORAS_GO_AFTER, CODEOWNERS: CODEOWNERS_ORAS_GO_AFTER },
        message: "Move Sylvia Lei to emeritus; welcome Xiaoxuan Wang as owner",
      });
      await ctx.sim.idle();
      return [`push       ${pushed.sha.slice(0, 7)} to main: OWNERS.md, CODEOWNERS`];
    },
  },
  {
    title: "A draft created by hand in oras",
    story:
      "A maintainer opens a draft advisory in the web UI, and @sajay opens a tracking issue for it by hand in the tracker (the advisory label, the GHSA id and the repository in its body). GitHub sends no webhook for either; the next sweep staffs the draft, requests its fork and adopts that issue — its state in the app's own comment, the text it was opened with kept — without opening a second one.",
    after: 30,
    async play(ctx) {
      const draft = ctx.sim.createAdvisoryByHand(ORG, "oras", "qweeah", {
        summary: "Credential leak in debug output",
        description: "### Impact\nRegistry tokens are printed with `--debug`.\n",
        severity: "medium",
        vulnerabilities: [
          {
            package: { ecosystem: "go", name: "oras.land/oras" },
            vulnerable_version_range: "< 1.3.1",
            patched_versions: "1.3.1",
            vulnerable_functions: [],
          },
        ],
      });
      ctx.follow("by hand", draft.ghsa_id);
      const issue = ctx.sim.world.createIssue(ORG, TRACKER, "sajay", {
        title: "Credential leak reported by email",
        body: `Reported to the security list.\n\nAdvisory: ${draft.ghsa_id}\nRepository: ${ORG}/oras`,
        labels: [TRACKING_LABEL],
      });
      return [
        `draft      ${draft.ghsa_id} created by @qweeah (no webhook)`,
        `issue      ${TRACKER}#${issue.number} opened by @sajay by hand for it (no webhook)`,
        ...(await sweepFacts(ctx)),
      ];
    },
  },
  {
    title: "Maintainers use slash commands on the tracking issue",
    story:
      "@qweeah (patch team) records the fix version; @sajay (security team) asks to publish. The app refuses: the fixing release is not out, and no command can publish before it.",
    after: 120,
    async play(ctx) {
      return [
        ...(await commandFacts(ctx, "report", "qweeah", "/advisory fixed-in 2.6.1")),
        ...(await commandFacts(ctx, "report", "sajay", "/advisory publish")),
        ...(await commandFacts(ctx, "report", "outsider", "/advisory hold")),
      ];
    },
  },
  {
    title: "More drafts, and the flaw also affects the oras CLI",
    story:
      "Two more oras-go drafts exist (one fixed in 2.6.1, one in 2.7.0). The security team records that the report also affects the oras CLI: a sibling draft with the CLI's own package, patch team and fork, on the same tracking issue.",
    after: 60,
    async play(ctx) {
      const vuln = (fix: string) => [
        {
          package: { ecosystem: "go" as const, name: "oras.land/oras-go/v2" },
          vulnerable_version_range: `< ${fix}`,
          patched_versions: fix,
          vulnerable_functions: [],
        },
      ];
      const a = ctx.sim.createAdvisoryByHand(ORG, "oras-go", "shizhMSFT", {
        summary: "Resolver crash on crafted reference",
        description: GITHUB_TEMPLATE("v2.6.1"),
        severity: "medium",
        vulnerabilities: vuln("2.6.1"),
      });
      const b = ctx.sim.createAdvisoryByHand(ORG, "oras-go", "shizhMSFT", {
        summary: "Unbounded blob read",
        description: GITHUB_TEMPLATE("v2.7.0"),
        severity: "low",
        vulnerabilities: vuln("2.7.0"),
      });
      ctx.follow("2.6.1 draft", a.ghsa_id);
      ctx.follow("2.7.0 draft", b.ghsa_id);
      const facts = [
        `drafts     ${a.ghsa_id} (fixed in 2.6.1), ${b.ghsa_id} (fixed in 2.7.0), by hand`,
        ...(await sweepFacts(ctx)),
      ];
      facts.push(
        ...(await commandFacts(ctx, "report", "sajay", "/advisory also-affects oras\n/advisory fixed-in 1.3.2")),
      );
      const sibling = ctx.sim.world.listAdvisories(ORG, "oras").find((x) => x.summary === REPORT.summary);
      if (sibling) ctx.follow("CLI sibling", sibling.ghsa_id);
      return facts;
    },
  },
  {
    title: "oras-go v2.6.1 is released",
    story:
      "release.published: the app lists oras-go's drafts once and checks each. The 2.6.1 draft, written in GitHub's own advisory template (Impact, Patches, Workarounds, References), passes the disclosure check and is published, and the release notes link it; the report is fixed too but its description never says how users get the fix, so it is not published and its tracking issue says what to add; the 2.7.0 draft waits.",
    after: 24 * 60,
    async play(ctx) {
      await ctx.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", body: "Bug fixes.", author: "qweeah" });
      await ctx.sim.idle();
      const release = ctx.sim.world.listReleases(ORG, "oras-go").find((r) => r.tag_name === "v2.6.1");
      return [
        `release    oras-go v2.6.1 published; its notes now have ${release?.body?.includes("## Security advisories") ? "a" : "no"} "Security advisories" section`,
      ];
    },
  },
  {
    title: "The patch team completes the descriptions, then publishes by command",
    story:
      "Maintainers add the Patches section to both descriptions on the advisory pages (no webhook). `/advisory publish` goes through the same gate, which re-reads the advisory and the release: the oras-go advisory is published; the CLI sibling waits for its own release.",
    after: 90,
    async play(ctx) {
      await ctx.sim.editAdvisoryByHand(ORG, "oras-go", ctx.ghsa("report"), "qweeah", {
        description: `${REPORT.description}\n### Patches\nUpgrade to v2.6.1.\n`,
      });
      await ctx.sim.editAdvisoryByHand(ORG, "oras", ctx.ghsa("CLI sibling"), "qweeah", {
        description: `${REPORT.description}\n### Patches\nUpgrade to oras v1.3.2.\n`,
      });
      return commandFacts(ctx, "report", "sajay", "/advisory publish");
    },
  },
  {
    title: "oras v1.3.2 is released",
    story: "The CLI release that bumps oras-go publishes the CLI's sibling advisory, on its own release.",
    after: 3 * 24 * 60,
    async play(ctx) {
      await ctx.sim.publishRelease(ORG, "oras", {
        tag_name: "v1.3.2",
        body: "Bumps oras-go to v2.6.1.",
        author: "qweeah",
      });
      await ctx.sim.idle();
      return [`release    oras v1.3.2 published`];
    },
  },
  {
    title: "A public pull request names the embargoed advisory",
    story:
      "A contributor opens a public pull request titled with the report's GHSA id before it is published. The embargo watch decides from the payload and posts a notice on the private tracking issue: who, where, what matched. Nothing is said in public.",
    after: 10,
    async play(ctx) {
      const ghsa = ctx.ghsa("2.7.0 draft");
      const pr = await ctx.sim.openPullRequest(ORG, "oras-go", "eager-contributor", {
        title: `Fix ${ghsa}: reject absolute layer titles`,
      });
      await ctx.sim.idle();
      const notice = ctx.sim.world
        .listIssues(ORG, TRACKER)
        .flatMap((i) => i.comments.map((c) => ({ issue: i.number, body: c.body })))
        .find((c) => c.body.startsWith("**Embargo watch**") && c.body.includes(`oras-go#${pr.number}`));
      return [
        `public PR  oras-go#${pr.number} "Fix ${ghsa}: …" by @eager-contributor`,
        notice ? `notice     security-response#${notice.issue}: ${notice.body.split("\n")[0]}` : "notice     none",
      ];
    },
  },
  {
    title: "The dashboard's response times",
    story:
      "The next sweep refreshes the pinned dashboard. Its response-times section tells maintainers and foundations how long reports waited for each step over the last 90 days, beside what the policy promises; `npm run report` gives the same per advisory.",
    after: 15,
    async play(ctx) {
      await ctx.bed.bot.sweepAll();
      const dashboard = ctx.sim.world
        .listIssues(ORG, TRACKER)
        .find((i) => i.labels.includes(DASHBOARD_LABEL) && i.state === "open");
      const body = dashboard?.body ?? "";
      const section = body.slice(body.indexOf("## Response times"), body.indexOf("## Configuration errors"));
      return section
        .split("\n")
        .filter((line) => line.startsWith("| ") && !line.startsWith("| Advisory |"))
        .map((line) => `dashboard  ${line}`);
    },
  },
];

// ------------------------------------------------------------------ reading the request log

const TOKEN_ROUTE = "/app/installations/{installation_id}/access_tokens";

function isGraphqlMutation(r: RecordedRequest): boolean {
  return r.path === "/graphql" && /^\s*mutation\b/.test(r.graphql?.query ?? "");
}

/** Reads, GraphQL queries, writes and token requests of a slice of the request log. */
export function costOf(requests: readonly RecordedRequest[]): StepCost {
  const cost: StepCost = { reads: 0, graphql: 0, writes: 0, tokens: 0 };
  for (const r of requests) {
    if (r.route === TOKEN_ROUTE) cost.tokens += 1;
    else if (r.path === "/graphql" && !isGraphqlMutation(r)) {
      cost.reads += 1;
      cost.graphql += 1;
    } else if (r.method === "GET" || r.method === "HEAD") cost.reads += 1;
    else cost.writes += 1;
  }
  return cost;
}

/** Requests that change GitHub: not reads, not token requests, not GraphQL queries. */
export function writeRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter(
    (r) =>
      r.method !== "GET" &&
      r.method !== "HEAD" &&
      r.route !== TOKEN_ROUTE &&
      (r.path !== "/graphql" || isGraphqlMutation(r)),
  );
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function quote(text: unknown, max = 72): string {
  const s = String(text ?? "");
  return `"${s.length > max ? `${s.slice(0, max - 1)}…` : s}"`;
}

function advisoryPatch(body: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === "collaborating_users") parts.push(`${Array.isArray(value) ? value.length : 0} collaborators`);
    else if (key === "collaborating_teams") {
      if (Array.isArray(value) && value.length > 0) parts.push(`teams: ${value.join(", ")}`);
    } else if (key === "state" || key === "severity" || key === "cvss_vector_string") parts.push(`${key}: ${value}`);
    else parts.push(key);
  }
  return parts.join(", ");
}

/** `METHOD` and a short human description of one write request. */
export function describeWrite(
  r: RecordedRequest,
  titleOf: (repo: string, issue: number) => string | undefined = () => undefined,
): WriteLine {
  const body = obj(r.body);
  const res = obj(r.response.body);
  const seg = r.path.split("/").filter(Boolean);
  const repo = seg[0] === "repos" ? seg[2] : undefined;
  const route = r.route ?? "";
  let what: string;
  if (r.path === "/graphql") {
    const op = /^\s*mutation\b[^{]*\{\s*(\w+)/.exec(r.graphql?.query ?? "")?.[1] ?? "mutation";
    what = `GraphQL ${op}`;
  } else if (route.endsWith("/security-advisories/{ghsa_id}/forks")) {
    what = `fork of ${seg[4]}${typeof res.full_name === "string" ? ` → ${res.full_name}` : ""}`;
  } else if (route.endsWith("/security-advisories/{ghsa_id}/cve")) {
    what = `CVE request for ${seg[4]}`;
  } else if (route.endsWith("/security-advisories/{ghsa_id}")) {
    what = `advisory ${seg[4]} (${advisoryPatch(body)})`;
  } else if (route.endsWith("/security-advisories")) {
    what = `advisory in ${seg[1]}/${repo} ${quote(body.summary)}`;
  } else if (route === "/repos/{owner}/{repo}/issues") {
    what = `issue ${repo}#${res.number ?? "?"} ${quote(body.title)}`;
  } else if (route === "/repos/{owner}/{repo}/issues/{issue_number}") {
    const title = titleOf(repo ?? "", Number(seg[4]));
    what = `issue ${repo}#${seg[4]}${title ? ` ${quote(title, 40)}` : ""} (${Object.keys(body)
      .map((k) => (k === "state" ? `state: ${body.state}` : k))
      .join(", ")})`;
  } else if (route === "/repos/{owner}/{repo}/issues/{issue_number}/comments") {
    what = `comment on ${repo}#${seg[4]}`;
  } else if (route === "/repos/{owner}/{repo}/issues/comments/{comment_id}") {
    what = `comment ${seg[5]} in ${repo} (edited)`;
  } else if (route.endsWith("/reactions")) {
    what = `reaction ${String(body.content ?? "")} in ${repo}`;
  } else if (route === "/repos/{owner}/{repo}/labels") {
    what = `label ${quote(body.name)} in ${repo}`;
  } else if (route === "/repos/{owner}/{repo}/releases/{release_id}") {
    what = `release ${repo} ${String(res.tag_name ?? seg[4])} (${Object.keys(body).join(", ")})`;
  } else if (route.startsWith("/orgs/{org}/teams/{team_slug}/memberships")) {
    what = `team member @${seg[5]} of ${seg[1]}/${seg[3]}`;
  } else {
    what = r.path;
  }
  return { method: r.method, what, status: r.status };
}

// ------------------------------------------------------------------ where an advisory stands

function trackingIssueOf(sim: Simulator, ghsa: string): TrackingView | null {
  const issues = sim.world
    .listIssues(ORG, TRACKER)
    .filter((i) => i.labels.includes("advisory") && (i.body ?? "").includes(ghsa));
  const issue = issues[0];
  if (!issue) return null;
  const body = issue.body ?? "";
  const checked = (body.match(/^- \[x\] /gim) ?? []).length;
  const open = (body.match(/^- \[ \] /gm) ?? []).length;
  return {
    number: issue.number,
    title: issue.title,
    open: issue.state === "open",
    checked,
    items: checked + open,
    count: issues.length,
  };
}

function viewOf(sim: Simulator, label: string, ghsa: string): AdvisoryView | null {
  const a: AdvisoryRecord | undefined = sim.world.getAdvisory(ghsa);
  if (!a) return null;
  return {
    label,
    ghsa,
    repo: a.repo,
    state: a.state,
    collaborators: [...a.collaborating_users].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())),
    teams: [...a.collaborating_teams].sort(),
    fork: a.private_fork,
    forkPending: a.forkPending !== null,
    tracking: trackingIssueOf(sim, ghsa),
    headings: (a.description ?? "")
      .split("\n")
      .filter((line) => line.startsWith("### "))
      .map((line) => line.slice(4).trim()),
  };
}

// ------------------------------------------------------------------ printing

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  bad(s: string): string;
}

function styleFor(color: boolean): Style {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrap("1"), dim: wrap("2"), bad: wrap("31") };
}

const LABEL = 15;

function labelled(style: Style, label: string, lines: string[]): string[] {
  return lines.map((line, i) => `  ${style.dim((i === 0 ? label : "").padEnd(LABEL))}${line}`);
}

function clockText(iso: string): string {
  const d = new Date(iso);
  const day = d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
  return `${day} ${iso.slice(11, 16)} UTC`;
}

function deliveryText(d: DeliveryLine, style: Style): string {
  const name = `${d.event}${d.action ? `.${d.action}` : ""}`;
  const status = d.status === 0 ? `not sent${d.skipped ? ` (${d.skipped})` : ""}` : String(d.status);
  const shown = d.status >= 400 || d.status === 0 ? style.bad(status) : status;
  return `${name} → ${shown}${d.echo ? style.dim("   (echo of the app's own write)") : ""}`;
}

function diffText(before: AdvisoryView | undefined, after: AdvisoryView): string {
  if (!before) return "";
  const had = new Set(before.collaborators.map((u) => u.toLowerCase()));
  const has = new Set(after.collaborators.map((u) => u.toLowerCase()));
  const added = after.collaborators.filter((u) => !had.has(u.toLowerCase())).map((u) => `+${u}`);
  const removed = before.collaborators.filter((u) => !has.has(u.toLowerCase())).map((u) => `−${u}`);
  return [...added, ...removed].length > 0 ? `   (${[...added, ...removed].join(" ")})` : "";
}

function advisoryLines(view: AdvisoryView, before: AdvisoryView | undefined): string[] {
  const team = view.collaborators.join(" ") || "nobody";
  const fork = view.fork ?? (view.forkPending ? "requested, not ready yet" : "none");
  const tracking = view.tracking
    ? `${TRACKER}#${view.tracking.number} (${view.tracking.open ? "open" : "closed"}) · checklist ${view.tracking.checked}/${view.tracking.items}`
    : "none";
  return [
    `${view.ghsa} in ${view.repo} · ${view.state}   [${view.label}]`,
    `  team (${view.collaborators.length}) ${team}${view.teams.length > 0 ? ` · teams ${view.teams.join(" ")}` : ""}${diffText(before, view)}`,
    `  fork      ${fork}`,
    `  tracking  ${tracking}`,
  ];
}

function sameView(a: AdvisoryView | undefined, b: AdvisoryView): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function signedPing(secret: string): { body: string; signature: string } {
  const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
  return { body, signature: `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` };
}

// ------------------------------------------------------------------ the run

/**
 * Plays the steps on a fresh bed and prints the timeline through `out`. Resolves when the last step
 * has played (and, unless `keep`, the bed is closed).
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const style = styleFor(options.color ?? false);
  const out = options.out;
  const sweepToken = options.keep ? randomBytes(16).toString("hex") : undefined;
  const bed = await startBed({
    ...options.bed,
    ...(sweepToken ? { settings: { ...options.bed?.settings, sweepToken } } : {}),
  });
  const { sim } = bed;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await bed.close();
  };

  try {
    const installationId = seedOras(sim);
    const followed = new Map<string, string>();
    const ctx: DemoContext = {
      bed,
      sim,
      installationId,
      follow: (label, ghsa) => {
        followed.set(label, ghsa);
      },
      ghsa: (label) => {
        const ghsa = followed.get(label);
        if (!ghsa) throw new Error(`no advisory followed as "${label}"`);
        return ghsa;
      },
    };

    out(style.bold("oras-advisory-bot · offline demo"));
    out(
      style.dim(
        "The real app (Probot's Server, signed webhooks over HTTP) against an embedded GitHub simulator on 127.0.0.1.",
      ),
    );

    const played: PlayedStep[] = [];
    let views = new Map<string, AdvisoryView>();
    const steps = options.steps ?? DEMO_STEPS;
    for (const [i, step] of steps.entries()) {
      if (step.after) bed.clock.advance(step.after * 60_000);
      const at = bed.clock.now().toISOString();
      const fromRequest = sim.requests.length;
      const fromDelivery = sim.deliveries.length;
      const facts = (await step.play(ctx)) ?? [];
      await sim.idle();

      const requests = sim.requests.slice(fromRequest);
      const deliveries: DeliveryLine[] = sim.deliveries.slice(fromDelivery).map((d: Delivery) => ({
        id: d.id,
        event: d.event,
        action: d.action,
        status: d.status,
        echo: String(obj(d.payload.sender).login ?? "").endsWith("[bot]"),
        skipped: d.skipped,
      }));
      const titleOf = (repo: string, n: number) => sim.world.listIssues(ORG, repo).find((x) => x.number === n)?.title;
      const writes = writeRequests(requests).map((r) => describeWrite(r, titleOf));
      const cost = costOf(requests);
      const next = new Map<string, AdvisoryView>();
      for (const [label, ghsa] of followed) {
        const view = viewOf(sim, label, ghsa);
        if (view) next.set(label, view);
      }

      const lines: string[] = [""];
      const heading = `━━ ${i + 1} · ${clockText(at)} · ${step.title} `;
      lines.push(style.bold(heading.padEnd(100, "━")));
      lines.push(`  ${step.story}`);
      lines.push(...facts.map((f) => `  ${f}`));
      if (requests.length > 0 || deliveries.length > 0) {
        lines.push(
          ...labelled(
            style,
            "GitHub → app",
            deliveries.length > 0 ? deliveries.map((d) => deliveryText(d, style)) : ["no webhook"],
          ),
        );
        lines.push(
          ...labelled(
            style,
            "app → GitHub",
            writes.length > 0
              ? writes.map((w) => {
                  const status = w.status >= 400 ? style.bad(` → ${w.status}`) : "";
                  return `${w.method.padEnd(6)} ${w.what}${status}`;
                })
              : ["no writes"],
          ),
        );
        const tokens = cost.tokens > 0 ? `, ${cost.tokens} token request${cost.tokens === 1 ? "" : "s"}` : "";
        lines.push(
          ...labelled(style, "cost", [
            `${cost.reads} read${cost.reads === 1 ? "" : "s"} (${cost.graphql} GraphQL), ${cost.writes} write${cost.writes === 1 ? "" : "s"}${tokens}`,
          ]),
        );
      }
      const changed = [...next.values()].filter((v) => !sameView(views.get(v.label), v));
      const unchanged = [...next.values()].filter((v) => sameView(views.get(v.label), v));
      const advisoryText = [
        ...changed.flatMap((v) => advisoryLines(v, views.get(v.label))),
        ...unchanged.map((v) => `${v.ghsa} [${v.label}] unchanged`),
      ];
      if (advisoryText.length > 0) lines.push(...labelled(style, "advisories", advisoryText));
      for (const line of lines) out(line);

      played.push({
        index: i + 1,
        title: step.title,
        at,
        facts,
        deliveries,
        writes,
        cost,
        advisories: [...next.values()],
        lines,
      });
      views = next;
    }

    out("");
    const total = sim.counts();
    out(
      style.dim(
        `${played.length} steps · ${sim.deliveries.length} webhook deliveries · ${total.total} requests to the simulator (${total.graphql} GraphQL) · unknown routes: ${sim.unknownRoutes.length}`,
      ),
    );

    if (!options.keep || !sweepToken) {
      await close();
      return { steps: played, close };
    }

    const apiToken = sim.createToken(installationId);
    const webhookUrl = `${bed.appUrl}/api/github/webhooks`;
    const ping = signedPing(BED_SECRET);
    out("");
    out(style.bold(`${"━━ Still running — Ctrl-C to stop ".padEnd(100, "━")}`));
    for (const line of [
      ...labelled(style, "simulator", [`${sim.url}   (GitHub's REST API, GraphQL at /graphql)`]),
      ...labelled(style, "app", [bed.appUrl]),
      ...labelled(style, "webhooks", [`${webhookUrl}   secret: ${BED_SECRET}`]),
      ...labelled(style, "sweep token", [sweepToken]),
      ...labelled(style, "API token", [`${apiToken}   (installation ${installationId})`]),
      "",
      "  # run a sweep of every installation now (answers a JSON summary)",
      `  curl -X POST -H "Authorization: Bearer ${sweepToken}" ${bed.appUrl}/api/advisory-bot/sweep`,
      "",
      "  # send the app a signed webhook (a ping)",
      `  curl -X POST ${webhookUrl} -H 'content-type: application/json' -H 'x-github-event: ping' \\`,
      `    -H 'x-github-delivery: demo-ping-1' -H 'x-hub-signature-256: ${ping.signature}' \\`,
      `    -d '${ping.body}'`,
      "",
      "  # read what the app manages, as the app sees it",
      `  curl -H "Authorization: token ${apiToken}" ${sim.url}/orgs/${ORG}/security-advisories`,
      `  curl -H "Authorization: token ${apiToken}" ${sim.url}/repos/${ORG}/${TRACKER}/issues`,
    ]) {
      out(line);
    }
    return {
      steps: played,
      close,
      running: { simUrl: sim.url, appUrl: bed.appUrl, webhookUrl, secret: BED_SECRET, sweepToken, apiToken },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
