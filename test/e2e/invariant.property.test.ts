import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mentionsGhsa, parseReleaseVersion, patchedVersions } from "../../src/domain/releases.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras } from "../../src/sim/oras-world.js";

const COMPLETE = "### Impact\nCrafted input.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";
const REPOS = ["oras-go", "oras"] as const;
const VERSIONS = ["2.6.1", "2.7.0", "1.3.1"] as const;

type Step =
  | { kind: "report"; repo: number; patched: number; complete: boolean }
  | { kind: "release"; repo: number; version: number; prerelease: boolean; draft: boolean; v: boolean }
  | { kind: "publishDraft"; index: number }
  | { kind: "edit"; index: number; complete: boolean }
  | { kind: "sweep" }
  | { kind: "redeliver"; index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("report" as const), repo: fc.nat(1), patched: fc.nat(2), complete: fc.boolean() }),
  fc.record({
    kind: fc.constant("release" as const),
    repo: fc.nat(1),
    version: fc.nat(2),
    prerelease: fc.boolean(),
    draft: fc.boolean(),
    v: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("publishDraft" as const), index: fc.nat(5) }),
  fc.record({ kind: fc.constant("edit" as const), index: fc.nat(5), complete: fc.boolean() }),
  fc.constant({ kind: "sweep" as const }),
  fc.record({ kind: fc.constant("redeliver" as const), index: fc.nat(20) }),
);

/** Every published advisory has a published, non-prerelease release that fixes it, published no later. */
function violations(bed: Bed): string[] {
  const found: string[] = [];
  for (const advisory of bed.sim.world.listAdvisories(ORG)) {
    if (advisory.state !== "published") continue;
    const [, repo] = advisory.repo.split("/");
    const versions = patchedVersions(advisory);
    const fixing = bed.sim.world.listReleases(ORG, repo ?? "").filter((r) => {
      if (r.draft || r.prerelease || r.published_at === null) return false;
      if (r.published_at > (advisory.published_at ?? "")) return false;
      const v = parseReleaseVersion(r.tag_name);
      return (v !== null && versions.includes(v)) || (versions.length === 0 && mentionsGhsa(r.body, advisory.ghsa_id));
    });
    if (fixing.length === 0) found.push(`${advisory.ghsa_id} published without a fixing release`);
  }
  return found;
}

let publications = 0;

async function play(steps: Step[]): Promise<void> {
  const bed = await startBed();
  try {
    seedOras(bed.sim);
    const draftReleases: number[] = [];
    for (const s of steps) {
      bed.clock.advance(60_000);
      const repo = REPOS[s.kind === "report" || s.kind === "release" ? s.repo : 0] ?? "oras-go";
      switch (s.kind) {
        case "report":
          await bed.sim.reportVulnerability(ORG, repo, {
            reporter: "reporter1",
            summary: "A flaw",
            description: s.complete ? COMPLETE : "### Impact\nCrafted input.\n",
            severity: "high",
            vulnerabilities: [
              {
                package: { ecosystem: "go", name: `oras.land/${repo}` },
                vulnerable_version_range: `< ${VERSIONS[s.patched]}`,
                patched_versions: VERSIONS[s.patched] ?? "2.6.1",
                vulnerable_functions: [],
              },
            ],
          });
          break;
        case "release": {
          const tag = `${s.v ? "v" : ""}${VERSIONS[s.version]}${s.prerelease ? "-rc.1" : ""}`;
          const input = { tag_name: tag, prerelease: s.prerelease, author: "qweeah" };
          if (s.draft) draftReleases.push((await bed.sim.createDraftRelease(ORG, repo, input)).release_id);
          else await bed.sim.publishRelease(ORG, repo, input);
          break;
        }
        case "publishDraft": {
          const id = draftReleases.splice(s.index % Math.max(1, draftReleases.length), 1)[0];
          if (id !== undefined) await bed.sim.publishDraftRelease(id, "qweeah");
          break;
        }
        case "edit": {
          const drafts = bed.sim.world.listAdvisories(ORG).filter((a) => a.state === "draft");
          const target = drafts[s.index % Math.max(1, drafts.length)];
          if (target) {
            const [, r] = target.repo.split("/");
            await bed.sim.editAdvisoryByHand(ORG, r ?? "", target.ghsa_id, "qweeah", {
              description: s.complete ? COMPLETE : "### Impact\nOnly impact.\n",
            });
          }
          break;
        }
        case "sweep":
          await bed.bot.sweepAll();
          break;
        case "redeliver": {
          const delivered = bed.sim.deliveries.filter((d) => d.status !== 0);
          const d = delivered[s.index % Math.max(1, delivered.length)];
          if (d) await bed.sim.redeliver(d.id);
          break;
        }
      }
      await bed.sim.idle();
      const broken = violations(bed);
      if (broken.length > 0) throw new Error(`after ${JSON.stringify(s)}: ${broken.join("; ")}`);
    }
    publications += bed.sim.world.listAdvisories(ORG).filter((a) => a.state === "published").length;
  } finally {
    await bed.close();
  }
}

describe("invariant: no advisory is ever published before its fixing release", () => {
  it("holds for random sequences of reports, releases, prereleases, draft releases, edits, sweeps and redeliveries", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), (steps) => play(steps)),
      { numRuns: 12, seed: 20261125 },
    );
    // The property is not vacuous: the random histories did publish advisories.
    expect(publications).toBeGreaterThan(0);
  });

  it("the checker itself catches a publication without a release", async () => {
    const bed = await startBed();
    try {
      seedOras(bed.sim);
      const a = bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
        summary: "s",
        description: COMPLETE,
        severity: "low",
        vulnerabilities: [
          {
            package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
            vulnerable_version_range: "< 9.9.9",
            patched_versions: "9.9.9",
            vulnerable_functions: [],
          },
        ],
      });
      await bed.sim.editAdvisoryByHand(ORG, "oras-go", a.ghsa_id, "qweeah", { state: "published" });
      expect(violations(bed)).toEqual([`${a.ghsa_id} published without a fixing release`]);
    } finally {
      await bed.close();
    }
  });
});
