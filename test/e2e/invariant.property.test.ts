/**
 * The invariant, played end to end: random histories of an org — reports, drafts made by hand,
 * releases (and near misses of the fixing release), draft releases published later, prereleases
 * promoted, edits, sweeps, redeliveries, `/advisory publish` — against the real app over HTTP. After
 * every step, every published advisory must satisfy the policy's rules (PRODUCT.md §3) as an oracle
 * written here, independently of the app's code, reads them.
 *
 * `INVARIANT_RUNS=2000 npx vitest run test/e2e/invariant.property.test.ts` explores more histories;
 * `INVARIANT_SEED` changes them.
 */
import fc from "fast-check";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import type { ReleaseRecord } from "../../src/sim/index.js";
import { CODEOWNERS_ORAS_GO, OWNERS_ORAS, OWNERS_ORAS_GO, PEOPLE, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn } from "../helpers/world.js";

const RUNS = Number(process.env.INVARIANT_RUNS ?? 200);
const SEED = Number(process.env.INVARIANT_SEED ?? 20261203);

const COMPLETE = "### Impact\nCrafted input escapes.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";
const INCOMPLETE = "### Impact\nCrafted input escapes.\n";
const REPOS = ["oras-go", "oras"] as const;
/** Patched versions an entry may name; `1.0.0-rc.3` is itself a prerelease. */
const POOL = ["2.6.1", "2.7.0", "1.3.1", "1.0.0-rc.3"] as const;

// ------------------------------------------------------------------------------------ histories

/** One vulnerability entry: the index of its patched version in POOL, a list of two, or none (deprecated). */
type Entry = { patched: number[] };
interface AdvisorySpec {
  repo: number;
  entries: Entry[];
  complete: boolean;
  /** Through private vulnerability reporting (a webhook) or created by hand (found by a sweep). */
  reported: boolean;
  /** Created by hand, with a tracking issue a person opened for it (adopted by the app). */
  trackedByHand: boolean;
}

/**
 * How a release relates to an advisory. `exact` fixes it; the rest are near misses that must not
 * (unless the rules say otherwise — `ghsaInNotes` does fix an advisory that lists no version).
 */
const VARIANTS = [
  "exact",
  "exactNoV",
  "prereleaseOfPatched",
  "rcTagNoFlag",
  "flagNoRcTag",
  "later",
  "earlier",
  "ghsaInNotes",
  "ghsaInPrereleaseNotes",
  "notAVersion",
] as const;
type Variant = (typeof VARIANTS)[number];
const NEAR_MISSES: ReadonlySet<Variant> = new Set([
  "prereleaseOfPatched",
  "rcTagNoFlag",
  "flagNoRcTag",
  "later",
  "earlier",
  "ghsaInPrereleaseNotes",
  "notAVersion",
]);

type Step =
  | { kind: "release"; target: number; entry: number; variant: Variant; draft: boolean }
  | { kind: "publishDraft"; index: number }
  | { kind: "promote"; index: number }
  | { kind: "edit"; target: number; complete: boolean }
  | { kind: "sweep" }
  | { kind: "redeliver"; index: number }
  | { kind: "publishCommand"; target: number };

interface Scenario {
  waitFor: "all" | "any";
  prereleases: boolean;
  advisories: AdvisorySpec[];
  steps: Step[];
}

const entry: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(POOL.length - 1).map((i) => ({ patched: [i] })) },
  {
    weight: 2,
    arbitrary: fc.uniqueArray(fc.nat(POOL.length - 1), { minLength: 2, maxLength: 2 }).map((p) => ({ patched: p })),
  },
  { weight: 2, arbitrary: fc.constant<Entry>({ patched: [] }) },
);

const advisorySpec: fc.Arbitrary<AdvisorySpec> = fc.record({
  repo: fc.nat(1),
  entries: fc.array(entry, { minLength: 1, maxLength: 2 }),
  complete: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  reported: fc.boolean(),
  trackedByHand: fc.boolean(),
});

const variant: fc.Arbitrary<Variant> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<Variant>("exact", "exactNoV") },
  { weight: 8, arbitrary: fc.constantFrom<Variant>(...VARIANTS.filter((v) => NEAR_MISSES.has(v))) },
  { weight: 2, arbitrary: fc.constant<Variant>("ghsaInNotes") },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("release" as const),
      target: fc.nat(1),
      entry: fc.nat(1),
      variant,
      draft: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("publishDraft" as const), index: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("promote" as const), index: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("edit" as const), target: fc.nat(1), complete: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "sweep" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("redeliver" as const), index: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("publishCommand" as const), target: fc.nat(1) }) },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  waitFor: fc.constantFrom("all" as const, "any" as const),
  prereleases: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  advisories: fc.array(advisorySpec, { minLength: 1, maxLength: 2 }),
  steps: fc.array(step, { minLength: 2, maxLength: 7 }),
});

// ------------------------------------------------------------------------------------ the oracle

/** What the oracle knows beyond the world: the configuration and when each prerelease was promoted. */
interface Facts {
  org: string;
  waitFor: "all" | "any";
  prereleases: boolean;
  promotedAt: Map<number, string>;
}

/** The version a tag names, as the policy reads tags (`v2.6.1` = `2.6.1`); null for other tags. */
function tagVersion(tag: string): string | null {
  const rest = tag.replace(/^v/, "");
  return /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(rest) ? rest : null;
}

/** Patched versions the entries name (entries without one — a deprecated package — name none). */
function patchedOf(a: { vulnerabilities: Array<{ patched_versions: string | null }> }): string[] {
  return a.vulnerabilities.flatMap((v) =>
    (v.patched_versions ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
  );
}

/** Whether the release was a prerelease at `at`: the flag (before a promotion), or a prerelease tag. */
function prereleaseAt(r: ReleaseRecord, at: string, facts: Facts): boolean {
  const version = tagVersion(r.tag_name);
  const tagged = version !== null && semver.prerelease(version) !== null;
  const promoted = facts.promotedAt.get(r.id);
  const flagged = r.prerelease || (promoted !== undefined && promoted > at);
  return tagged || flagged;
}

/**
 * The rules (PRODUCT.md §3 and its prerelease and deprecated-package rules): an advisory is published
 * only once its fixing release is published — every patched version released (`waitFor: all`) or one
 * (`any`); a release counts when published (not a draft) no later than the advisory, and a prerelease
 * only with `publish.prereleases`, or when its version is itself a patched version; an advisory that
 * names no patched version is fixed by a release whose notes name its GHSA id. And it passed the
 * disclosure check: its description is complete.
 */
function violations(bed: Bed, facts: Facts): string[] {
  const found: string[] = [];
  for (const a of bed.sim.world.listAdvisories(facts.org)) {
    if (a.state !== "published") continue;
    const at = a.published_at ?? "";
    const [, repo] = a.repo.split("/");
    const patched = patchedOf(a);
    const eligible = bed.sim.world.listReleases(facts.org, repo ?? "").filter((r) => {
      if (r.draft || r.published_at === null || r.published_at > at) return false;
      if (!prereleaseAt(r, at, facts) || facts.prereleases) return true;
      const version = tagVersion(r.tag_name);
      return version !== null && semver.prerelease(version) !== null && patched.some((p) => semver.eq(p, version));
    });
    const released = (p: string) =>
      eligible.some((r) => {
        const v = tagVersion(r.tag_name);
        return v !== null && semver.eq(v, p);
      });
    let fixed: boolean;
    if (patched.length === 0) fixed = eligible.some((r) => (r.body ?? "").includes(a.ghsa_id));
    else if (facts.waitFor === "all") fixed = patched.every(released);
    else fixed = patched.some(released);
    if (!fixed)
      found.push(`${a.ghsa_id} (patched ${patched.join(", ") || "none"}) published without its fixing release`);
    if (a.description !== COMPLETE) found.push(`${a.ghsa_id} published with an incomplete description`);
  }
  return found;
}

// ------------------------------------------------------------------------------------ playing

let bed: Bed;
let orgs = 0;
let runs = 0;
let runsPublishing = 0;
let runsWithNearMiss = 0;
let runsTrackedByHand = 0;

function seedOrg(s: Scenario): { org: string; installationId: number } {
  const org = `inv-${++orgs}`;
  const config = [
    "securityTeam:",
    "  members: [sajay]",
    "tracker:",
    `  repo: ${TRACKER}`,
    "publish:",
    `  waitFor: ${s.waitFor}`,
    `  prereleases: ${s.prereleases}`,
    "packages:",
    "  oras-go: { ecosystem: go, name: oras.land/oras-go/v2 }",
    "  oras: { ecosystem: go, name: oras.land/oras }",
    "",
  ].join("\n");
  const { installationId } = bed.sim.world.seedOrg(org, {
    admins: ["sajay"],
    members: PEOPLE.filter((p) => p !== "sajay"),
    repos: [
      { name: "oras-go", files: { "OWNERS.md": OWNERS_ORAS_GO, CODEOWNERS: CODEOWNERS_ORAS_GO } },
      { name: "oras", files: { "OWNERS.md": OWNERS_ORAS } },
      { name: TRACKER, private: true },
      { name: ".github", files: { ".github/advisory-bot.yml": config } },
    ],
    installation: {},
  });
  if (installationId === null) throw new Error("no installation");
  return { org, installationId };
}

function vulnerabilities(spec: AdvisorySpec, repo: string) {
  return spec.entries.map((e, i) => {
    const versions = e.patched.map((p) => POOL[p] ?? "2.6.1");
    return {
      package: { ecosystem: "go", name: i === 0 ? `oras.land/${repo}` : `oras.land/${repo}-deprecated-${i}` },
      vulnerable_version_range: versions.length > 0 ? `< ${versions[versions.length - 1]}` : ">= 0",
      patched_versions: versions.length > 0 ? versions.join(", ") : null,
      vulnerable_functions: [],
    };
  });
}

/** The tag (and flags and notes) of a release that stands in `variant` to version `version` of advisory `ghsa`. */
function releaseFor(variant: Variant, version: string | undefined, ghsa: string, n: number) {
  const base = version ?? `3.${n}.0`;
  const pre = semver.prerelease(base) !== null;
  switch (variant) {
    case "exact":
      return { tag_name: `v${base}`, prerelease: pre, body: "Fixes." };
    case "exactNoV":
      return { tag_name: base, prerelease: pre, body: "Fixes." };
    case "prereleaseOfPatched":
      return { tag_name: `v${pre ? semver.inc(base, "prerelease") : `${base}-rc.1`}`, prerelease: true, body: "" };
    case "rcTagNoFlag":
      return { tag_name: `v${pre ? semver.inc(base, "prerelease") : `${base}-rc.2`}`, prerelease: false, body: "" };
    case "flagNoRcTag":
      return { tag_name: `v${base}`, prerelease: true, body: "" };
    case "later":
      return { tag_name: `v${semver.inc(base, "patch")}`, prerelease: false, body: "" };
    case "earlier":
      return {
        tag_name: `v${semver.major(base)}.${semver.minor(base)}.${Math.max(0, semver.patch(base) - 1)}-0`,
        prerelease: false,
        body: "",
      };
    case "ghsaInNotes":
      return { tag_name: `v4.${n}.0`, prerelease: false, body: `Fixes ${ghsa}.` };
    case "ghsaInPrereleaseNotes":
      return { tag_name: `v5.${n}.0-beta.1`, prerelease: true, body: `Fixes ${ghsa}.` };
    case "notAVersion":
      return { tag_name: `untagged-${base}`, prerelease: false, body: "" };
  }
}

async function play(s: Scenario): Promise<void> {
  const { org, installationId } = seedOrg(s);
  const facts: Facts = { org, waitFor: s.waitFor, prereleases: s.prereleases, promotedAt: new Map() };
  const firstDelivery = bed.sim.deliveries.length;
  const ghsas: Array<{ ghsa: string; repo: string; spec: AdvisorySpec }> = [];
  const draftReleases: number[] = [];
  const prereleases: number[] = [];
  let nearMiss = false;
  let n = 0;
  const check = (after: string) => {
    const broken = violations(bed, facts);
    if (broken.length > 0) throw new Error(`${org}, after ${after}: ${broken.join("; ")}`);
  };
  try {
    for (const spec of s.advisories) {
      bed.clock.advance(60_000);
      const repo = REPOS[spec.repo] ?? "oras-go";
      const fields = {
        summary: `A flaw in ${org}/${repo}, number ${ghsas.length + 1}`,
        description: spec.complete ? COMPLETE : INCOMPLETE,
        severity: "high" as const,
        vulnerabilities: vulnerabilities(spec, repo),
      };
      if (spec.reported) {
        const r = await bed.sim.reportVulnerability(org, repo, { reporter: "reporter1", ...fields });
        ghsas.push({ ghsa: r.ghsa_id, repo, spec });
      } else {
        const ghsa = bed.sim.createAdvisoryByHand(org, repo, "qweeah", fields).ghsa_id;
        ghsas.push({ ghsa, repo, spec });
        if (spec.trackedByHand)
          bed.sim.world.createIssue(org, TRACKER, "sajay", {
            title: "Report received by email",
            body: `Advisory: ${ghsa}\nRepository: ${org}/${repo}`,
            labels: ["advisory"],
          });
      }
      await bed.sim.idle();
      check("creating the advisories");
    }
    for (const st of s.steps) {
      bed.clock.advance(60_000);
      switch (st.kind) {
        case "release": {
          const target = ghsas[st.target % ghsas.length];
          if (!target) break;
          const e = target.spec.entries[st.entry % target.spec.entries.length];
          const version = e?.patched.length ? POOL[e.patched[st.entry % e.patched.length] ?? 0] : undefined;
          const release = releaseFor(st.variant, version, target.ghsa, ++n);
          if (bed.sim.world.listReleases(org, target.repo).some((r) => r.tag_name === release.tag_name)) break;
          const open = bed.sim.world.getAdvisory(target.ghsa)?.state === "draft";
          if (NEAR_MISSES.has(st.variant) && open) nearMiss = true;
          const input = { ...release, author: "qweeah" };
          if (st.draft) draftReleases.push((await bed.sim.createDraftRelease(org, target.repo, input)).release_id);
          else {
            const { release_id } = await bed.sim.publishRelease(org, target.repo, input);
            if (release.prerelease) prereleases.push(release_id);
          }
          break;
        }
        case "publishDraft": {
          const id = draftReleases.splice(st.index % Math.max(1, draftReleases.length), 1)[0];
          if (id === undefined) break;
          await bed.sim.publishDraftRelease(id, "qweeah");
          if (bed.sim.world.releases.get(id)?.prerelease) prereleases.push(id);
          break;
        }
        case "promote": {
          const id = prereleases.splice(st.index % Math.max(1, prereleases.length), 1)[0];
          if (id === undefined) break;
          facts.promotedAt.set(id, bed.clock.now().toISOString());
          await bed.sim.promoteRelease(id, "qweeah");
          break;
        }
        case "edit": {
          const target = ghsas[st.target % ghsas.length];
          if (!target || bed.sim.world.getAdvisory(target.ghsa)?.state !== "draft") break;
          await bed.sim.editAdvisoryByHand(org, target.repo, target.ghsa, "qweeah", {
            description: st.complete ? COMPLETE : INCOMPLETE,
          });
          break;
        }
        case "sweep":
          await bed.bot.sweepAll();
          break;
        case "redeliver": {
          const mine = bed.sim.deliveries.slice(firstDelivery).filter((d) => d.status !== 0);
          const d = mine[st.index % Math.max(1, mine.length)];
          if (d) await bed.sim.redeliver(d.id);
          break;
        }
        case "publishCommand": {
          const target = ghsas[st.target % ghsas.length];
          // The tracking issue: one the app opened, or one a person opened (adopted or not yet).
          const issue = bed.sim.world
            .listIssues(org, TRACKER)
            .find(
              (i) =>
                i.labels.includes("advisory") &&
                (stateIn(i.body)?.advisories.some((a) => a.ghsa === target?.ghsa) ||
                  (!stateIn(i.body) && target !== undefined && (i.body ?? "").includes(target.ghsa))),
            );
          if (issue) await bed.sim.comment(org, TRACKER, issue.number, "sajay", "/advisory publish");
          break;
        }
      }
      await bed.sim.idle();
      check(JSON.stringify(st));
    }
    // A tracking issue a person opened is the advisory's only one: the app adopted it, never opened another.
    for (const { ghsa, spec } of ghsas) {
      if (spec.reported || !spec.trackedByHand) continue;
      const naming = bed.sim.world
        .listIssues(org, TRACKER)
        .filter((i) => i.labels.includes("advisory") && (i.body ?? "").includes(ghsa));
      if (naming.length !== 1) throw new Error(`${org}: ${naming.length} tracking issues name ${ghsa}`);
    }
    runs += 1;
    if (ghsas.some((g) => !g.spec.reported && g.spec.trackedByHand)) runsTrackedByHand += 1;
    if (bed.sim.world.listAdvisories(org).some((a) => a.state === "published")) runsPublishing += 1;
    if (nearMiss) runsWithNearMiss += 1;
  } finally {
    // The next history is another org; this one is uninstalled, so sweeps no longer visit it.
    bed.sim.world.installations.delete(installationId);
    bed.sim.resetRequests();
  }
}

describe("invariant: no advisory is ever published before its fixing release", () => {
  beforeAll(async () => {
    bed = await startBed({ start: "2026-11-02T09:00:00Z" });
    for (const login of [...PEOPLE, "reporter1"]) bed.sim.world.createUser(login);
  });
  afterAll(async () => {
    await bed.close();
  });

  it(`holds for ${RUNS} random histories with near misses of the fixing release (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (s) => play(s)),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Not vacuous: many histories published something, and many offered a near miss to an open draft.
    expect(runs).toBeGreaterThanOrEqual(RUNS);
    expect(runsPublishing / runs, `${runsPublishing} of ${runs} runs published`).toBeGreaterThanOrEqual(0.25);
    expect(runsWithNearMiss / runs, `${runsWithNearMiss} of ${runs} runs had a near miss`).toBeGreaterThanOrEqual(0.5);
    expect(
      runsTrackedByHand / runs,
      `${runsTrackedByHand} of ${runs} runs had a tracking issue opened by hand`,
    ).toBeGreaterThanOrEqual(0.2);
  }, 1_800_000);

  it("the oracle catches each near miss: a publication on a prerelease, a later release, a GHSA id in a prerelease's notes", async () => {
    const cases: Array<{ patched: string | null; release: { tag_name: string; prerelease: boolean; body?: string } }> =
      [
        { patched: "2.6.1", release: { tag_name: "v2.6.1-rc.1", prerelease: true } },
        { patched: "2.6.1", release: { tag_name: "v2.6.1", prerelease: true } },
        { patched: "2.6.1", release: { tag_name: "v2.6.2", prerelease: false } },
        { patched: "2.6.1", release: { tag_name: "2.6.1-rc.1", prerelease: false } },
        { patched: null, release: { tag_name: "v5.0.0-beta.1", prerelease: true, body: "GHSA" } },
        { patched: "1.0.0-rc.3", release: { tag_name: "v1.0.0-rc.2", prerelease: true } },
      ];
    for (const c of cases) {
      const { org, installationId } = seedOrg({ waitFor: "all", prereleases: false, advisories: [], steps: [] });
      try {
        const facts: Facts = { org, waitFor: "all", prereleases: false, promotedAt: new Map() };
        const a = bed.sim.createAdvisoryByHand(org, "oras-go", "qweeah", {
          summary: "s",
          description: COMPLETE,
          severity: "low",
          vulnerabilities: [
            {
              package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
              vulnerable_version_range: ">= 0",
              patched_versions: c.patched,
              vulnerable_functions: [],
            },
          ],
        });
        bed.sim.world.createRelease(org, "oras-go", {
          ...c.release,
          body: c.release.body?.replace("GHSA", a.ghsa_id) ?? "",
          draft: false,
          author: "qweeah",
        });
        bed.clock.advance(60_000);
        expect(violations(bed, facts), JSON.stringify(c)).toEqual([]);
        await bed.sim.editAdvisoryByHand(org, "oras-go", a.ghsa_id, "qweeah", { state: "published" });
        expect(violations(bed, facts), JSON.stringify(c)).toEqual([
          `${a.ghsa_id} (patched ${c.patched ?? "none"}) published without its fixing release`,
        ]);
      } finally {
        bed.sim.world.installations.delete(installationId);
      }
    }
  });

  it("the oracle accepts what the rules allow: a patched prerelease, and GHSA id in a full release's notes for an advisory with no patched version", async () => {
    const cases: Array<{ patched: string | null; release: { tag_name: string; prerelease: boolean; body?: string } }> =
      [
        { patched: "1.0.0-rc.3", release: { tag_name: "v1.0.0-rc.3", prerelease: true } },
        { patched: null, release: { tag_name: "v4.1.0", prerelease: false, body: "GHSA" } },
        { patched: "2.6.1", release: { tag_name: "2.6.1", prerelease: false } },
      ];
    for (const c of cases) {
      const { org, installationId } = seedOrg({ waitFor: "all", prereleases: false, advisories: [], steps: [] });
      try {
        const facts: Facts = { org, waitFor: "all", prereleases: false, promotedAt: new Map() };
        const a = bed.sim.createAdvisoryByHand(org, "oras-go", "qweeah", {
          summary: "s",
          description: COMPLETE,
          severity: "low",
          vulnerabilities: [
            {
              package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
              vulnerable_version_range: ">= 0",
              patched_versions: c.patched,
              vulnerable_functions: [],
            },
          ],
        });
        bed.sim.world.createRelease(org, "oras-go", {
          ...c.release,
          body: c.release.body?.replace("GHSA", a.ghsa_id) ?? "",
          draft: false,
          author: "qweeah",
        });
        bed.clock.advance(60_000);
        await bed.sim.editAdvisoryByHand(org, "oras-go", a.ghsa_id, "qweeah", { state: "published" });
        expect(violations(bed, facts), JSON.stringify(c)).toEqual([]);
      } finally {
        bed.sim.world.installations.delete(installationId);
      }
    }
  });
});
