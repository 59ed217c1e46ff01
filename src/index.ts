import { timingSafeEqual } from "node:crypto";
import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import { loadConfig } from "./config/load.js";
import { CONFIG_PATH, DEFAULT_ROSTER_FILES } from "./config/schema.js";
import { type Coordination, localCoordination } from "./coordination/index.js";
import { type CoordinationLog, connectRedis, redisCoordination } from "./coordination/redis.js";
import { parseCommands } from "./domain/command-grammar.js";
import { embargoNotice, findEmbargoMatches, type PublicPlace } from "./domain/embargo-watch.js";
import { fixedBy } from "./domain/releases.js";
import { deriveStateKey, type Notice, STATE_KEY_LABEL, type StateKey, TRACKING_LABEL } from "./domain/tracking.js";
import { snapshotConfigReader } from "./github/config.js";
import { useEtagCache } from "./github/etag-cache.js";
import { ListCache } from "./github/lists.js";
import { RunReads } from "./github/run-reads.js";
import { REQUEST_TIMEOUT_MS, useRequestTimeout } from "./github/timeout.js";
import type { Octokit, RepositoryAdvisory } from "./github/types.js";
import { capWebhookBodies, MAX_WEBHOOK_BYTES, pathOf, type RouteHandler, sendJson } from "./http.js";
import { type EventContext, type EventReport, instrument } from "./instrument.js";
import { createMetrics, metricsRoute, useRequestMetrics } from "./metrics.js";
import { malformed, malformedEach, type PayloadShape } from "./payloads.js";
import { type Settings, settingsFromEnv } from "./settings.js";
import { reconcileAudit } from "./workflows/audit.js";
import { handleComment } from "./workflows/commands.js";
import { DashboardMemory, extrasOf, withTracked } from "./workflows/dashboard.js";
import { EmbargoWatch } from "./workflows/embargo-watch.js";
import { type Lease, orgKey } from "./workflows/lock.js";
import { type AdvisoryScope, knownRosterFiles, type OrgView, type RunContext, readOrg } from "./workflows/org-view.js";
import { reconcileOrg } from "./workflows/reconcile.js";
import { orgTimelines } from "./workflows/response-times.js";
import { type OrgStep, type OrgSweepSummary, sweepOrg } from "./workflows/sweep.js";

/** What the app needs from its surroundings; tests and the demo inject their own. */
export interface AppDeps {
  settings: Settings;
  /** The clock: every workflow reads time from here, never from `new Date()`. */
  now: () => Date;
  /** How long one HTTP attempt to GitHub may take (default `REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs?: number;
  /**
   * The org lock, delivery ledger and ETag cache. Default: in Redis when `settings.redisUrl` is set
   * (shared by every replica), else in memory (one process).
   */
  coordination?: Coordination;
}

export interface SweepSummary {
  startedAt: string;
  durationMs: number;
  installations: number;
  orgs: OrgSweepSummary[];
  errors: Array<{ installation: number; message: string }>;
}

export interface AdvisoryBot {
  /** The Probot application function. */
  app: ApplicationFunction;
  /** One sweep of every installation; concurrent calls share the sweep in progress. */
  sweepAll(): Promise<SweepSummary>;
  /** Where the lock, the delivery ledger and the ETag cache live. */
  coordination: Coordination;
  /** Lets go of the coordination store's connections (on shutdown). */
  close(): Promise<void>;
}

/** Minutes between full reads of an org's lists when the settings name none. */
export const DEFAULT_FULL_READ_MINUTES = 60;

export const SWEEP_PATH = "/api/advisory-bot/sweep";

/** The token only in the `Bearer` scheme (RFC 6750; the scheme name is case-insensitive). */
function tokenMatches(header: string | undefined, token: string): boolean {
  const bearer = /^Bearer +(\S+)$/i.exec(header ?? "");
  if (!bearer?.[1]) return false;
  const given = Buffer.from(bearer[1], "utf8");
  const want = Buffer.from(token, "utf8");
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Paths whose change on the default branch can change who staffs an advisory. */
function touches(paths: Iterable<string>, files: readonly string[]): boolean {
  const wanted = new Set([...files.map((f) => f.toLowerCase()), CONFIG_PATH.toLowerCase()]);
  for (const p of paths) if (wanted.has(p.toLowerCase())) return true;
  return false;
}

/**
 * Builds the app: routes events, commands and sweeps to workflows; nothing else lives here.
 */
export function createAdvisoryBot(deps: AppDeps): AdvisoryBot {
  // One run at a time per org; deliveries already handled, to answer duplicates at once; conditional GETs
  // (unchanged lists answer 304 and cost no rate-limit points). In memory, or in Redis for every replica.
  const say: CoordinationLog = {
    warn: (obj, msg) => probotRef?.log.warn(obj, msg),
    info: (obj, msg) => probotRef?.log.info(obj, msg),
  };
  const coordination =
    deps.coordination ??
    (deps.settings.redisUrl
      ? redisCoordination(connectRedis(deps.settings.redisUrl, say), { log: say })
      : localCoordination());
  const { lock, etags } = coordination;
  // The org's lists as last read: the next read takes only what changed, and every list is read whole
  // again once its last full read is older than the interval (what sorting cannot show: deletions).
  const lists = new ListCache((deps.settings.fullReadIntervalMinutes ?? DEFAULT_FULL_READ_MINUTES) * 60_000);
  const timeout = deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Prometheus metrics only when asked for: even counts reveal that embargoed work exists.
  const metrics = deps.settings.metrics ? createMetrics() : undefined;
  // Every handler gets its delivery's Octokit with each HTTP attempt bounded in time.
  const bounded = new WeakSet<object>();
  // A payload without the fields its handler reads is ignored, never a handler's exception. A handler
  // made of parts (`push`) passes no shape here: each part checks the shape it reads (`inParts`).
  const handle = <C extends EventContext & { octokit: unknown }>(
    shape: PayloadShape | null,
    handler: (context: C) => Promise<EventReport>,
    label?: string,
  ) =>
    instrument<C>(
      (context) => {
        const wrong = shape === null ? null : malformed(shape, context.payload);
        if (wrong !== null) return Promise.resolve({ outcome: "ignored", detail: `malformed payload: ${wrong}` });
        // Once per Octokit, should Probot ever hand one to several handlers.
        if (!bounded.has(context.octokit as object)) {
          bounded.add(context.octokit as object);
          useRequestMetrics(useRequestTimeout(context.octokit as Octokit, timeout), metrics);
        }
        return handler(context);
      },
      {
        ledger: coordination.deliveries,
        ...(label ? { label } : {}),
        ...(metrics ? { observe: (event, outcome, ms) => metrics.delivery(event, outcome, ms) } : {}),
      },
    );
  // The embargo watch's index of unpublished advisories, kept from the last read of each org.
  const embargo = new EmbargoWatch();
  // The org as each dashboard last showed it: events that write re-render it from there.
  const dashboards = new DashboardMemory();
  const steps: OrgStep[] = [
    (ctx, view, cases) => {
      // The dashboard shows the tracking issues as this sweep left them.
      const shown = withTracked(view, cases);
      const extra = extrasOf(cases);
      return dashboards.sweep(ctx, shown, extra);
    },
    (ctx, view) => reconcileAudit(ctx, view),
    async (_ctx, view) => {
      embargo.learn(view, true);
      return { writes: 0 };
    },
    ...(metrics
      ? [
          async (ctx: RunContext, view: OrgView) => {
            metrics.org(view.org, orgTimelines(view), ctx.now);
            return { writes: 0 };
          },
        ]
      : []),
  ];
  let probotRef: Probot | undefined;
  let botLogin: Promise<string> | undefined;
  /** The app's login once known: deciding about public text then waits for nothing. */
  let botLoginKnown: string | undefined;
  let stateKey: Promise<StateKey> | undefined;

  // The tracking-state key: from STATE_SECRET, else derived from the webhook secret (Probot signs with it,
  // so the secret itself is never read here). Never logged.
  const appStateKey = (probot: Probot): Promise<StateKey> => {
    const secret = deps.settings.stateSecret;
    stateKey ??= secret
      ? Promise.resolve(deriveStateKey(secret))
      : probot.webhooks.sign(STATE_KEY_LABEL).then((sig) => Buffer.from(sig.replace(/^sha256=/, ""), "hex"));
    return stateKey;
  };
  let sweeping: Promise<SweepSummary> | undefined;

  const appLogin = (probot: Probot): Promise<string> => {
    botLogin ??= probot
      .auth()
      .then((o) => o.rest.apps.getAuthenticated())
      .then(({ data }) => {
        botLoginKnown = `${data?.slug ?? "oras-advisory-bot"}[bot]`;
        return botLoginKnown;
      })
      .catch((err: unknown) => {
        botLogin = undefined;
        throw err;
      });
    return botLogin;
  };

  /**
   * A run's context. Built once the run holds its org's lock: its clock reading is the time the run
   * starts working, not the time it began waiting (a delivery may wait behind a long sweep).
   */
  const runContext = async (
    probot: Probot,
    octokit: Octokit,
    log: Context["log"],
    org: string,
    lease?: Lease,
  ): Promise<RunContext> => ({
    octokit: useEtagCache(octokit, etags, org),
    log,
    org,
    now: deps.now(),
    dryRun: deps.settings.dryRun,
    botLogin: await appLogin(probot),
    stateKey: await appStateKey(probot),
    ...(lease ? { fence: lease.fence } : {}),
    lists,
    // What this run reads once (releases, drafts) and the release-notes edits it makes together.
    reads: new RunReads(),
  });

  const sweepAll = async (): Promise<SweepSummary> => {
    const probot = probotRef;
    if (!probot) throw new Error("the app is not loaded yet");
    sweeping ??= (async () => {
      const started = performance.now();
      const summary: SweepSummary = {
        startedAt: deps.now().toISOString(),
        durationMs: 0,
        installations: 0,
        orgs: [],
        errors: [],
      };
      const appOctokit = useRequestTimeout((await probot.auth()) as Octokit, timeout);
      const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, { per_page: 100 });
      summary.installations = installations.length;
      for (const installation of installations) {
        const account = installation.account as { login?: string; type?: string } | null;
        if (!account?.login || account.type !== "Organization") continue;
        const log = probot.log.child({ installation: installation.id, org: account.login });
        try {
          const octokit = useRequestMetrics(
            useRequestTimeout((await probot.auth(installation.id)) as Octokit, timeout),
            metrics,
          );
          const ctx = await runContext(probot, octokit, log, account.login);
          const org = await sweepOrg(ctx, lock, steps, deps.now);
          metrics?.sweep(org.durationMs, false);
          log.info(
            { ...org, problems: org.problems.length, skipped: org.skipped.length, failedCases: org.failedCases },
            org.failedCases.length > 0 ? "sweep done; some cases failed and are retried next time" : "sweep done",
          );
          summary.orgs.push(org);
        } catch (err) {
          log.error({ err }, "sweep failed");
          metrics?.sweep(0, true);
          summary.errors.push({
            installation: installation.id,
            message: err instanceof Error ? err.message : String(err),
          });
        }
      }
      summary.durationMs = Math.round(performance.now() - started);
      return summary;
    })().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  };

  const sweepRoute =
    (token: string): RouteHandler =>
    async (req, res) => {
      if (pathOf(req) !== SWEEP_PATH) return false;
      if (req.method !== "POST") return sendJson(res, 405, { error: "use POST" });
      if (!tokenMatches(req.headers.authorization, token)) return sendJson(res, 401, { error: "unauthorized" });
      try {
        return sendJson(res, 200, await sweepAll());
      } catch (err) {
        probotRef?.log.error({ err }, "sweep request failed");
        return sendJson(res, 500, { error: "sweep failed; see the app's log" });
      }
    };

  /**
   * Reconciles the cases an event concerns, in an org installation; user accounts are not served. The
   * view holds only the advisories in `scope` (and their siblings), so every case in it is one to reconcile.
   */
  const reconcileFor = async (
    context: Context,
    org: string,
    scope: AdvisoryScope,
    notices?: ReadonlyMap<string, readonly Notice[]>,
  ): Promise<EventReport> => {
    const probot = probotRef;
    if (!probot) return { outcome: "ignored", detail: "not loaded" };
    // The org view is read under the org's lock, so it includes what a concurrent run just wrote.
    const { results, dashboard } = await lock.run(orgKey(org), async (lease) => {
      const ctx = await runContext(probot, context.octokit as Octokit, context.log, org, lease);
      const view = await readOrg(ctx, scope);
      embargo.learn(view, false);
      const results = await reconcileOrg(ctx, view, notices);
      // What the event wrote (a new report, a publication, a notice) shows on the dashboard now.
      let dashboard = 0;
      if (results.some((r) => r.writes > 0)) {
        try {
          dashboard = (await dashboards.follow(ctx, view, results)).writes;
        } catch (err) {
          ctx.log.warn({ org, err }, "dashboard not updated; the next sweep updates it");
        }
      }
      return { results, dashboard };
    });
    if (results.length === 0) return { outcome: "ignored", detail: "no advisory to reconcile" };
    const writes = results.reduce((n, r) => n + r.writes, 0) + dashboard;
    return { outcome: "done", detail: `${results.length} case(s)`, writes };
  };

  /**
   * A comment in a public repository can be written by anyone. Commands other than `help` run there
   * only for members of the org (the security team and the maintainers are members), so a stranger's
   * are refused after one read — org membership — without the org's lock and without reading the org:
   * a 😕 on the comment, no reply. `help` alone is answered as everywhere. When GitHub does not answer
   * the membership question, the comment takes the ordinary path, which authorizes from the org.
   */
  const refuseStranger = async (
    context: Context,
    org: string,
    login: string,
    commentId: number,
    body: string,
  ): Promise<EventReport | null> => {
    const parsed = parseCommands(body);
    if (parsed.commands.length === 0 && parsed.errors.length === 0) return { outcome: "ignored", detail: "no command" };
    if (parsed.errors.length === 0 && parsed.commands.every((c) => c.verb === "help")) return null;
    const octokit = context.octokit as Octokit;
    try {
      await octokit.rest.orgs.checkMembershipForUser({ org, username: login });
      return null;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) return null;
    }
    const { owner, repo } = context.repo();
    if (!deps.settings.dryRun) {
      await octokit.rest.reactions
        .createForIssueComment({ owner, repo, comment_id: commentId, content: "confused" })
        .catch((err: unknown) => context.log.warn({ status: (err as { status?: number }).status }, "reaction refused"));
    }
    context.log.info({ org, actor: login }, "commands by someone outside the org in a public repository refused");
    return { outcome: "ignored", detail: "commands by someone outside the org, in public: refused" };
  };

  /**
   * A handler made of parts, run to the end side by side within one instrumented delivery (one ledger
   * claim, one log line). Each part is checked against the payload shape it reads, so a payload
   * malformed for one part still runs the other, and one part's exception neither stops nor hides the
   * other: the report names every part's outcome in its detail and carries the exceptions as its
   * `error` (an `AggregateError` when several threw), which `instrument` logs and, for a refusal,
   * answers 503. The delivery is done when no part failed; otherwise its claim is released and a
   * redelivery runs every part again (each is idempotent: a reconcile, notices keyed by place).
   */
  const inParts = <C extends EventContext>(
    parts: ReadonlyArray<readonly [name: string, shape: PayloadShape, run: (context: C) => Promise<EventReport>]>,
  ) => {
    const check = malformedEach(parts.map(([, shape]) => shape));
    return async (context: C): Promise<EventReport> => {
      const wrong = check(context.payload);
      const settled = await Promise.allSettled(
        parts.map(([, , run], i) => {
          const fields = wrong[i];
          return fields == null
            ? run(context)
            : Promise.resolve<EventReport>({ outcome: "ignored", detail: `malformed payload: ${fields}` });
        }),
      );
      let outcome: EventReport["outcome"] = "ignored";
      let detail = "";
      let writes: number | undefined;
      const errors: unknown[] = [];
      for (let i = 0; i < settled.length; i++) {
        const result = settled[i] as PromiseSettledResult<EventReport>;
        const part: EventReport =
          result.status === "fulfilled" ? result.value : { outcome: "failed", error: result.reason };
        if (part.outcome === "failed") outcome = "failed";
        else if (part.outcome === "done" && outcome === "ignored") outcome = "done";
        if (part.error !== undefined) errors.push(part.error);
        if (part.writes !== undefined) writes = (writes ?? 0) + part.writes;
        detail += `${i > 0 ? "; " : ""}${parts[i]?.[0]}: ${part.detail ?? part.outcome}`;
      }
      const report: EventReport = { outcome, detail };
      if (writes !== undefined) report.writes = writes;
      if (errors.length > 0)
        report.error =
          errors.length === 1 ? errors[0] : new AggregateError(errors, "several parts of the delivery failed");
      return report;
    };
  };

  const isOrg = (payload: object): boolean => {
    const p = payload as { repository?: { owner?: { type?: string } | null }; organization?: unknown };
    return p.organization !== undefined || p.repository?.owner?.type === "Organization";
  };

  const app = (probot: Probot, options: ApplicationFunctionOptions): void => {
    probotRef = probot;
    // Webhook bodies over GitHub's own payload cap are refused before they are buffered (the Server
    // asks for the middleware after loading the app; an app loaded without a server has none).
    if (typeof probot.getNodeMiddleware === "function") {
      const middleware = probot.getNodeMiddleware.bind(probot);
      probot.getNodeMiddleware = async (opts = {}) =>
        capWebhookBodies(await middleware(opts), opts.path ?? probot.webhookPath, MAX_WEBHOOK_BYTES, (bytes) =>
          probot.log.warn({ bytes }, "webhook body over GitHub's payload cap refused"),
        ) as Awaited<ReturnType<Probot["getNodeMiddleware"]>>;
    }
    if (deps.settings.sweepToken) options.addHandler(sweepRoute(deps.settings.sweepToken));
    if (metrics) options.addHandler(metricsRoute(metrics, deps.settings.metricsToken));

    probot.on(
      ["repository_advisory.reported", "repository_advisory.published"],
      handle("repository_advisory", async (context) => {
        const { payload } = context;
        if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
        const advisory = payload.repository_advisory as unknown as RepositoryAdvisory;
        const probot = probotRef;
        if (probot && payload.sender?.login && payload.sender.login === (await appLogin(probot))) {
          return { outcome: "ignored", detail: "caused by the app itself" };
        }
        // Only the GHSA id and repository are taken from the payload; the advisory is read from GitHub.
        return reconcileFor(context, payload.repository.owner.login, {
          kind: "named",
          advisories: [{ repo: payload.repository.name, ghsa: advisory.ghsa_id }],
        });
      }),
    );

    probot.on(
      ["issue_comment.created", "issue_comment.edited"],
      handle("issue_comment", async (context) => {
        const { payload } = context;
        if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
        if (context.isBot || payload.comment.user?.type === "Bot")
          return { outcome: "ignored", detail: "comment by a bot" };
        const tracked = (payload.issue.labels ?? []).some(
          (l) => (typeof l === "string" ? l : l.name) === TRACKING_LABEL,
        );
        if (!/\/advisory\b/i.test(payload.comment.body) && !(tracked && payload.repository.private)) {
          return { outcome: "ignored", detail: "no command" };
        }
        const probot = probotRef;
        if (!probot) return { outcome: "ignored", detail: "not loaded" };
        const org = payload.repository.owner.login;
        // An edit is authorized as the editor (`sender`), never as the comment's author.
        const actor =
          payload.action === "edited"
            ? { login: payload.sender.login, type: payload.sender.type }
            : { login: payload.comment.user?.login ?? "", type: payload.comment.user?.type ?? "User" };
        if (!payload.repository.private) {
          // In public, anyone can comment: refuse a stranger's commands with one read, before the org is read.
          const refused = await refuseStranger(context, org, actor.login, payload.comment.id, payload.comment.body);
          if (refused) return refused;
        }
        // Under the org's lock, a redelivery finds the reply of the delivery before it and runs nothing twice.
        const report = await lock.run(orgKey(org), async (lease) =>
          handleComment(await runContext(probot, context.octokit as Octokit, context.log, org, lease), {
            place: {
              owner: payload.repository.owner.login,
              repo: payload.repository.name,
              private: payload.repository.private,
              repoNodeId: payload.repository.node_id,
              issue: {
                number: payload.issue.number,
                nodeId: payload.issue.node_id,
                title: payload.issue.title,
                body: payload.issue.body ?? "",
                labels: (payload.issue.labels ?? [])
                  .map((l) => (typeof l === "string" ? l : (l.name ?? "")))
                  .filter(Boolean),
              },
            },
            isPullRequest: Boolean(payload.issue.pull_request),
            comment: {
              id: payload.comment.id,
              body: payload.comment.body,
              author: payload.comment.user?.login ?? "",
              authorType: payload.comment.user?.type ?? "User",
            },
            actor,
          }),
        );
        // A new watched phrase is taken into the embargo watch's index at once.
        if (report.outcome === "done" && /^\s*\/advisory\s+watch\b/im.test(payload.comment.body)) {
          await lock.run(orgKey(org), async () =>
            embargo.learn(
              await readOrg(await runContext(probot, context.octokit as Octokit, context.log, org), {
                kind: "read",
                advisories: [],
              }),
              false,
            ),
          );
        }
        return { outcome: report.outcome, detail: report.detail };
      }),
    );

    /**
     * The embargo watch: public text that names an unpublished advisory gets a notice on its private
     * tracking issue. Decided from the payload against the index; text that names nothing reads nothing.
     * Where a text was seen (`placeOf`, by its position in `texts`) is worked out only for a text that
     * names something.
     */
    const watchPublic = async (
      context: Context,
      repository: { private: boolean; name: string; owner: { login: string } | null },
      sender: string,
      texts: readonly string[],
      placeOf: (i: number) => PublicPlace,
    ): Promise<EventReport> => {
      if (repository.private) return { outcome: "ignored", detail: "not public" };
      const probot = probotRef;
      if (!probot) return { outcome: "ignored", detail: "not loaded" };
      const org = repository.owner?.login ?? "";
      if (sender === (botLoginKnown ?? (await appLogin(probot))))
        return { outcome: "ignored", detail: "caused by the app itself" };
      // Decided from the index kept from the last read of the org, without waiting for anything; a run's
      // context (and one conditional list) only when this process has not read the org yet.
      const index =
        embargo.known(org) ??
        (await embargo.index(await runContext(probot, context.octokit as Octokit, context.log, org)));
      const notices = new Map<string, Notice[]>();
      const named: Array<{ repo: string; ghsa: string }> = [];
      let where: string | undefined;
      for (let i = 0; i < texts.length; i++) {
        const matches = findEmbargoMatches(index, texts[i] ?? "");
        if (matches.length === 0) continue;
        const place = placeOf(i);
        where ??= place.ref;
        for (const match of matches) {
          const key = match.advisory.ghsa.toLowerCase();
          if (!notices.has(key))
            named.push({ repo: match.advisory.repo.split("/")[1] ?? "", ghsa: match.advisory.ghsa });
          notices.set(key, [...(notices.get(key) ?? []), embargoNotice(match, place)]);
        }
      }
      if (named.length === 0) return { outcome: "ignored", detail: "names no unpublished advisory" };
      context.log.warn(
        { org, advisories: named.map((n) => n.ghsa), where },
        "embargo watch: public text names an unpublished advisory",
      );
      return reconcileFor(context, org, { kind: "named", advisories: named }, notices);
    };

    probot.on(
      ["pull_request.opened", "pull_request.edited"],
      handle(
        "pull_request",
        async (context) => {
          const { payload } = context;
          if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
          const pr = payload.pull_request;
          return watchPublic(
            context,
            payload.repository,
            payload.sender?.login ?? "",
            [`${pr.title}\n${pr.body ?? ""}`],
            () => ({
              kind: "pull request",
              ref: `${payload.repository.full_name}#${pr.number}`,
              url: pr.html_url,
              actor: payload.sender?.login ?? "",
            }),
          );
        },
        "embargo-watch",
      ),
    );

    probot.on(
      ["issues.opened", "issues.edited"],
      handle(
        "issues",
        async (context) => {
          const { payload } = context;
          if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
          const issue = payload.issue;
          return watchPublic(
            context,
            payload.repository,
            payload.sender?.login ?? "",
            [`${issue.title}\n${issue.body ?? ""}`],
            () => ({
              kind: "issue",
              ref: `${payload.repository.full_name}#${issue.number}`,
              url: issue.html_url,
              actor: payload.sender?.login ?? "",
            }),
          );
        },
        "embargo-watch",
      ),
    );

    probot.on(
      ["release.created", "release.edited"],
      handle(
        "release_text",
        async (context) => {
          const { payload } = context;
          if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
          if (!payload.release.draft) return { outcome: "ignored", detail: "not a draft release" };
          return watchPublic(
            context,
            payload.repository,
            payload.sender?.login ?? "",
            [`${payload.release.name ?? ""}\n${payload.release.body ?? ""}`],
            () => ({
              kind: "draft release",
              ref: `${payload.repository.full_name} ${payload.release.tag_name}`,
              url: payload.release.html_url,
              actor: payload.sender?.login ?? "",
            }),
          );
        },
        "embargo-watch",
      ),
    );

    // A full release fires `published` then `released`; a prerelease only `published`; a prerelease
    // promoted to a full release only `released`. Each release is looked at once: on `released`, or on
    // `published` when it is a prerelease.
    probot.on(
      ["release.published", "release.released"],
      handle("release", async (context) => {
        const { payload } = context;
        if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
        if (payload.release.draft) return { outcome: "ignored", detail: "draft release" };
        if (payload.action === "published" && !payload.release.prerelease)
          return { outcome: "ignored", detail: "a full release: handled on release.released" };
        const owner = payload.repository.owner.login;
        const repo = payload.repository.name;
        // One list request; a release that fixes no draft costs nothing more and writes nothing.
        const drafts = await context.octokit.paginate(
          context.octokit.rest.securityAdvisories.listRepositoryAdvisories,
          {
            owner,
            repo,
            state: "draft",
            per_page: 100,
          },
        );
        const fixed = drafts.filter((a) => fixedBy(a, payload.release));
        if (fixed.length === 0) return { outcome: "ignored", detail: "fixes no draft advisory" };
        return reconcileFor(context, owner, { kind: "read", advisories: fixed });
      }),
    );

    // The two parts of a `push`: the roster check (the default branch only) and the embargo watch over
    // the commit messages (every branch of a public repository).
    const rosterCheck = async (context: Context<"push">): Promise<EventReport> => {
      const { payload } = context;
      if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
      const branch = payload.repository.default_branch ?? payload.repository.master_branch;
      if (payload.ref !== `refs/heads/${branch}`) return { outcome: "ignored", detail: "not the default branch" };
      const paths = new Set(
        payload.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]),
      );
      const owner = payload.repository.owner?.login ?? "";
      const repo = payload.repository.name;
      // The default roster files and the config file decide at once; other paths may be roster files
      // only if a configuration names them: those the org's configurations named when last read (a
      // configuration edited since is itself a pushed config file), else read the configuration.
      // Replicas each remember their own last read, and the push of an edited configuration may have
      // gone to another one: with shared coordination the configuration is read.
      if (!touches(paths, DEFAULT_ROSTER_FILES)) {
        const known = coordination.kind === "memory" ? knownRosterFiles(lists, owner) : [];
        const files =
          known.length > 0
            ? known
            : await loadConfig(snapshotConfigReader(context.octokit as Octokit, owner, []), owner, repo).then((c) =>
                c.ok ? c.config.maintainers.files : [],
              );
        if (!touches(paths, files)) return { outcome: "ignored", detail: "no roster or configuration file changed" };
      }
      return reconcileFor(context, owner, { kind: "repo", repo });
    };
    const commitWatch = async (context: Context<"push">): Promise<EventReport> => {
      const { payload } = context;
      if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
      const commits = payload.commits;
      return watchPublic(
        context,
        payload.repository,
        payload.sender?.login ?? "",
        commits.map((commit) => commit.message),
        (i) => {
          const commit = commits[i];
          return {
            kind: "commit",
            ref: `${payload.repository.full_name}@${commit?.id.slice(0, 7)}`,
            url: commit?.url ?? "",
            actor: commit?.author?.username ?? payload.sender?.login ?? "",
          };
        },
      );
    };
    // One handler for `push` (Probot builds a context and an Octokit per handler and delivery), one
    // ledger claim and one log line per delivery; both parts run to the end (`inParts`).
    probot.on(
      "push",
      handle<Context<"push">>(
        null,
        inParts([
          ["roster check", "push", rosterCheck],
          ["embargo watch", "push_text", commitWatch],
        ]),
      ),
    );

    probot.on(
      ["repository.archived", "repository.unarchived"],
      handle("repository", async (context) => {
        const { payload } = context;
        if (!isOrg(payload)) return { outcome: "ignored", detail: "not an organization" };
        return reconcileFor(context, payload.repository.owner.login, { kind: "repo", repo: payload.repository.name });
      }),
    );

    probot.on(
      [
        "membership.added",
        "membership.removed",
        "team.deleted",
        "team.edited",
        "organization.member_removed",
        "organization.member_added",
      ],
      handle("organization", async (context) => {
        const org = (context.payload as { organization?: { login?: string } }).organization?.login;
        if (!org) return { outcome: "ignored", detail: "no organization" };
        return reconcileFor(context, org, { kind: "org" });
      }),
    );
  };

  return { app, sweepAll, coordination, close: () => coordination.close() };
}

/** Default export: the Probot app function, configured from the environment. */
const appFunction: ApplicationFunction = (probot, options) =>
  createAdvisoryBot({ settings: settingsFromEnv(process.env), now: () => new Date() }).app(probot, options);

export default appFunction;
