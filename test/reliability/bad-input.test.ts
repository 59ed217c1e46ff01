/**
 * Bad input: webhook payloads fuzzed from valid ones, deliveries with bad signatures, configuration
 * files, command comments and roster files generated at random. The app answers every correctly
 * signed delivery without a 5xx, writes nothing it should not, keeps serving, and its parsers return
 * structured results instead of throwing.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConfigReader, loadConfig } from "../../src/config/load.js";
import { parseRoster } from "../../src/domain/rosters.js";
import { BED_SECRET, type Bed, startBed } from "../../src/sim/harness.js";
import type { RecordedRequest } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { Prng } from "../../src/sim/prng.js";
import {
  commandComment,
  extremeComments,
  jsonConfig,
  mutatePayload,
  postWebhook,
  rosterPath,
  rosterText,
  sign,
  yamlishConfig,
} from "../helpers/fuzz.js";
import { capturingLogger } from "../helpers/log.js";
import { stateIn } from "../helpers/world.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261102);
const PAYLOAD_MUTATIONS = 160;

/** Requests that change GitHub: everything but reads, token requests and GraphQL queries. */
const isWrite = (r: RecordedRequest) =>
  r.method !== "GET" &&
  !r.path.endsWith("/access_tokens") &&
  !(r.path === "/graphql" && !/^\s*mutation/.test(r.graphql?.query ?? ""));
/**
 * Payloads Probot turns away before any handler of the app runs: a truthy `installation.id` that is
 * not an installation id makes Probot's event-Octokit factory throw in `webhookTransform`, which
 * @octokit/webhooks answers with 500. Only a holder of the webhook secret can send one.
 */
function rejectedByProbot(payload: unknown): boolean {
  const id = (payload as { installation?: { id?: unknown } | null } | null)?.installation?.id;
  return Boolean(id) && !(Number.isInteger(id) && (id as number) > 0);
}

const isAdvisoryWrite = (r: RecordedRequest) => r.method !== "GET" && r.path.includes("/security-advisories");

describe("bad input through the real app", () => {
  let bed: Bed;
  let hook: string;
  let trackingIssue: number;
  /** Valid deliveries that, in the settled world, change nothing. */
  let bases: { event: string; payload: Record<string, unknown> }[];
  /** The app's log: one line per delivery with its outcome ("failed" when a handler threw). */
  let log: Awaited<ReturnType<typeof capturingLogger>>;

  beforeAll(async () => {
    log = await capturingLogger("info");
    bed = await startBed({ seed: 3, log: log.log });
    hook = `${bed.appUrl}/api/github/webhooks`;
    seedOras(bed.sim);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal in blob extraction",
      description: "### Impact\nWrites outside the target directory.\n",
      severity: "high",
    });
    await bed.sim.idle();
    trackingIssue = bed.sim.world
      .listIssues(ORG, TRACKER)
      .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === report.ghsa_id))!.number;
    await bed.sim.comment(ORG, TRACKER, trackingIssue, "qweeah", "Looking at it."); // acknowledged
    bed.sim.tick();
    await bed.bot.sweepAll();
    await bed.sim.idle();
    const first = bed.sim.deliveries.length;
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v9.9.9", author: "qweeah" }); // fixes nothing
    await bed.sim.push(ORG, "oras-go", { pusher: "qweeah", message: "docs", files: { "README.md": "# oras-go\n" } });
    await bed.sim.comment(ORG, TRACKER, trackingIssue, "sajay", "Thanks, confirmed.");
    const publicIssue = await bed.sim.openIssue(ORG, "oras", "outsider", { title: "A question" });
    await bed.sim.comment(ORG, "oras", publicIssue.number, "outsider", "Any news?");
    await bed.sim.addTeamMember(ORG, "security", "FeynmanZhou"); // already a member
    await bed.sim.unarchive(ORG, "oras"); // was not archived
    await bed.sim.redeliver(report.id);
    await bed.sim.idle();
    bases = bed.sim.deliveries
      .slice(first)
      .filter((d) => d.status !== 0)
      .map((d) => ({ event: d.event, payload: d.payload }));
    await bed.bot.sweepAll();
    await bed.sim.idle();
    bed.sim.resetRequests();
  });

  afterAll(async () => {
    await bed.close();
  });

  it("the valid deliveries the fuzzer starts from change nothing", async () => {
    expect(bases.map((b) => `${b.event}.${String(b.payload.action ?? "")}`).sort()).toEqual(
      [
        "issue_comment.created",
        "issue_comment.created",
        "issues.opened",
        "membership.added",
        "push.",
        "release.created",
        "release.published",
        "release.released",
        "repository.unarchived",
        "repository_advisory.reported",
      ].sort(),
    );
    bed.sim.resetRequests();
    for (const b of bases) expect(await postWebhook(hook, BED_SECRET, b.event, JSON.stringify(b.payload))).toBe(200);
    await bed.sim.idle();
    expect(bed.sim.requests.filter(isWrite).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it(`${PAYLOAD_MUTATIONS} fuzzed payloads, correctly signed: no handler throws, never a 5xx, nothing written, still serving (seed ${SEED})`, async () => {
    const prng = new Prng(SEED);
    const problems: string[] = [];
    let excusedByProbot = 0;
    bed.sim.resetRequests();
    for (let i = 0; i < PAYLOAD_MUTATIONS; i++) {
      const base = prng.pick(bases);
      const fuzzed = mutatePayload(prng, base.event, base.payload);
      const before = bed.sim.requests.length;
      const logged = log.lines().length;
      const status = await postWebhook(hook, BED_SECRET, fuzzed.event, JSON.stringify(fuzzed.payload));
      await bed.sim.idle();
      const wrote = bed.sim.requests.slice(before).filter(isWrite);
      // `instrument` keeps a handler's exception from Probot (which answers 200 all the same): read the outcome.
      const threw = log
        .lines()
        .slice(logged)
        .map((l) => JSON.parse(l) as { outcome?: string; err?: { message?: string } })
        .filter((l) => l.outcome === "failed");
      if (threw.length > 0)
        problems.push(
          `#${i} ${base.event}.${String(base.payload.action)} ${fuzzed.mutation} → a handler threw: ${threw.map((t) => t.err?.message).join("; ")}`,
        );
      const answered = status >= 200 && status < 300;
      const excused = status === 500 && rejectedByProbot(fuzzed.payload);
      if (excused) excusedByProbot += 1;
      if ((!answered && !excused) || wrote.length > 0) {
        problems.push(
          `#${i} ${base.event}.${String(base.payload.action)} ${fuzzed.mutation} → ${status}${wrote.length ? `, wrote ${wrote.map((r) => `${r.method} ${r.path}`).join(", ")}` : ""}`,
        );
      }
    }
    expect(problems, `seed ${SEED} (FUZZ_SEED=${SEED} to replay)`).toEqual([]);
    expect(excusedByProbot).toBeLessThan(PAYLOAD_MUTATIONS / 10);
    expect((await fetch(`${bed.appUrl}/healthz`)).status).toBe(200);
    // …and it still does its job.
    const ok = await bed.sim.comment(ORG, TRACKER, trackingIssue, "sajay", "/advisory status");
    expect(ok.status).toBe(200);
  }, 120_000);

  // The payload is not trusted: GitHub is asked for the advisory it names, and has none.
  it("a signed payload naming an advisory GitHub does not have writes nothing", async () => {
    const base = bases.find((b) => b.event === "repository_advisory")!;
    const payload = structuredClone(base.payload) as { repository_advisory: { ghsa_id: string } };
    payload.repository_advisory.ghsa_id = "GHSA-2345-6789-cfgh";
    const before = structuredClone(bed.sim.world.listAdvisories(ORG));
    bed.sim.resetRequests();
    expect(await postWebhook(hook, BED_SECRET, "repository_advisory", JSON.stringify(payload))).toBe(200);
    await bed.sim.idle();
    expect(bed.sim.requests.filter(isWrite)).toEqual([]);
    expect(bed.sim.world.listAdvisories(ORG)).toEqual(before);
    expect(bed.sim.requests.some((r) => r.path.endsWith("/GHSA-2345-6789-cfgh") && r.status === 404)).toBe(true);
  });

  it("bad signatures and malformed bodies: 400, never 5xx; nothing is handled", async () => {
    const body = JSON.stringify(bases.find((b) => b.event === "repository_advisory")?.payload ?? {});
    bed.sim.resetRequests();
    const wrongSecret = sign("not-the-secret", body);
    const cases: [string, Promise<number>][] = [
      ["wrong secret", postWebhook(hook, BED_SECRET, "repository_advisory", body, { signature: wrongSecret })],
      ["no signature", postWebhook(hook, BED_SECRET, "repository_advisory", body, { signature: null })],
      ["empty signature", postWebhook(hook, BED_SECRET, "repository_advisory", body, { signature: "" })],
      ["sha1 only", postWebhook(hook, BED_SECRET, "repository_advisory", body, { signature: "sha1=abc" })],
      [
        "truncated",
        postWebhook(hook, BED_SECRET, "repository_advisory", body, { signature: sign(BED_SECRET, body).slice(0, 20) }),
      ],
      [
        "signature of another body",
        postWebhook(hook, BED_SECRET, "repository_advisory", body, { signature: sign(BED_SECRET, `${body} `) }),
      ],
    ];
    for (const [name, pending] of cases) expect([name, await pending]).toEqual([name, 400]);
    // Correctly signed, but not JSON, or JSON without an event's shape.
    for (const text of ["{", "not json", "", "[]", "{}", '{"action":"created"}']) {
      const status = await postWebhook(hook, BED_SECRET, "issue_comment", text);
      expect([text, status < 500]).toEqual([text, true]);
    }
    // A JSON scalar (null, 42, "x", true) as the whole payload is answered 500 by @octokit/webhooks
    // (`"action" in payload` throws before any handler of the app runs). Only a holder of the secret
    // can send one; it is noted in the report and not asserted here.
    await bed.sim.idle();
    expect(bed.sim.requests.filter(isWrite)).toEqual([]);
    expect((await fetch(`${bed.appUrl}/healthz`)).status).toBe(200);
  });

  it(`fuzzed command comments by a user with no role complete and change no advisory (seed ${SEED})`, async () => {
    bed.sim.resetRequests();
    const bodies = [
      ...fc.sample(commandComment, { seed: SEED, numRuns: 24 }).map((body, i) => ({ name: `sample ${i}`, body })),
      ...extremeComments(),
    ];
    const failures: string[] = [];
    for (const { name, body } of bodies) {
      const sent = await bed.sim.comment(ORG, TRACKER, trackingIssue, "outsider", body);
      await bed.sim.idle();
      if (sent.status !== 200) failures.push(`${name}: answered ${sent.status}`);
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(bed.sim.requests.filter(isAdvisoryWrite).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // Replies stay within GitHub's limit for a comment body.
    const tooLong = bed.sim.requests.filter(
      (r) => isWrite(r) && String((r.body as { body?: unknown })?.body ?? "").length > 65536,
    );
    expect(tooLong.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect((await fetch(`${bed.appUrl}/healthz`)).status).toBe(200);
  }, 120_000);
});

/** A fake of Probot's config plugin transport: files by `owner/repo:path`, everything else 404. */
function readerFor(files: Record<string, string | { status: number }>): ConfigReader {
  // The real plugin (YAML parsing, `_extends`) over a fake `octokit.request`.
  const request = Object.assign(
    async (endpoint: { owner: string; repo: string; path: string }) => {
      const file = files[`${endpoint.owner}/${endpoint.repo}:${endpoint.path}`];
      if (file === undefined) throw Object.assign(new Error("Not Found"), { status: 404 });
      if (typeof file !== "string") throw Object.assign(new Error(`HTTP ${file.status}`), { status: file.status });
      return { data: file, headers: { "content-type": "text/plain; charset=utf-8" } };
    },
    {
      endpoint: (e: { owner: string; repo: string; path: string }) => ({
        url: `https://api.github.com/repos/${e.owner}/${e.repo}/contents/${encodeURIComponent(e.path)}`,
      }),
    },
  );
  return { config: { get: (options) => composeConfigGet({ request } as never, options) } } as ConfigReader;
}

const { composeConfigGet } = await import("@probot/octokit-plugin-config");
const PATH = ".github/advisory-bot.yml";

/** A structured result: ok with a config, or an error naming the repository and at least one problem. */
function expectStructured(result: Awaited<ReturnType<typeof loadConfig>>) {
  if (result.ok) {
    expect(typeof result.config.publish.waitFor).toBe("string");
    expect(Array.isArray(result.files)).toBe(true);
  } else {
    expect(result.error.repository).toBe("oras-project/oras");
    expect(result.error.problems.length).toBeGreaterThan(0);
    for (const p of result.error.problems) {
      expect(typeof p.path).toBe("string");
      expect(typeof p.message).toBe("string");
    }
  }
}

describe("configuration files at random", () => {
  it("YAML-ish text in the repository and the org's .github: a structured result, never a throw", async () => {
    await fc.assert(
      fc.asyncProperty(yamlishConfig, fc.option(yamlishConfig, { nil: undefined }), async (own, org) => {
        const files: Record<string, string> = { [`oras-project/oras:${PATH}`]: own };
        if (org !== undefined) files[`oras-project/.github:${PATH}`] = org;
        expectStructured(await loadConfig(readerFor(files), "oras-project", "oras"));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("any JSON value as the parsed file: a structured result, never a throw", async () => {
    await fc.assert(
      fc.asyncProperty(jsonConfig, async (value) => {
        const reader: ConfigReader = {
          config: {
            get: async () => ({
              config: value as Record<string, unknown>,
              files: [{ owner: "oras-project", repo: "oras", path: PATH, config: value as Record<string, unknown> }],
            }),
          },
        };
        expectStructured(await loadConfig(reader, "oras-project", "oras"));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("a reader that fails: not found / unprocessable are structured; other statuses are left to the caller to retry", async () => {
    const missing = await loadConfig(
      readerFor({ [`oras-project/oras:${PATH}`]: { status: 404 } }),
      "oras-project",
      "oras",
    );
    expect(missing.ok).toBe(true); // no file anywhere: the defaults apply
    const unprocessable = readerFor({ [`oras-project/oras:${PATH}`]: { status: 422 } });
    const refused = await loadConfig(unprocessable, "oras-project", "oras");
    expect(refused.ok).toBe(false);
    expectStructured(refused);
    const plain: ConfigReader = { config: { get: async () => Promise.reject(new Error("socket hang up")) } };
    expectStructured(await loadConfig(plain, "oras-project", "oras"));
    await expect(
      loadConfig(readerFor({ [`oras-project/oras:${PATH}`]: { status: 502 } }), "oras-project", "oras"),
    ).rejects.toMatchObject({ status: 502 });
  });
});

describe("roster files at random", () => {
  it("parseRoster never throws and returns well-formed logins and warnings", () => {
    fc.assert(
      fc.property(rosterPath, rosterText, (path, text) => {
        const roster = parseRoster(path, text);
        for (const p of [...roster.active, ...roster.emeritus]) {
          expect(p.login).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/);
        }
        const active = new Set(roster.active.map((p) => p.login.toLowerCase()));
        for (const p of roster.emeritus) expect(active.has(p.login.toLowerCase())).toBe(false);
        for (const w of roster.warnings) {
          expect(w.line).toBeGreaterThanOrEqual(1);
          expect(w.text.length).toBeLessThanOrEqual(120);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it("huge and pathological roster files are read in bounded time", () => {
    const cases = [
      "Owners:\n".repeat(50_000),
      `  - Name (@${"a".repeat(5000)})\n`.repeat(200),
      `* ${"@x ".repeat(100_000)}`,
      `"${'"'.repeat(20_000)}`,
      `teams:\n${"  - ".repeat(5_000)}`,
      "🦀".repeat(500_000),
      `${"[".repeat(5_000)}@qweeah`,
    ];
    for (const path of ["OWNERS.md", "CODEOWNERS", "MAINTAINERS.csv", "OWNERS.yaml"]) {
      for (const text of cases) {
        const roster = parseRoster(path, text);
        expect(roster.warnings.length).toBeLessThanOrEqual(51);
      }
    }
  });
});
