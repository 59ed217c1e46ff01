/**
 * Property: on tracking issues the app opened and on one a person opened, random sequences of
 * `hold`, `unhold`, `add` and `remove` by people allowed and not allowed to run them — with the fixing
 * release coming out at a random point — leave every reply true: each ✅ is an observable state on
 * GitHub (held ⇒ not published until unhold; added ⇒ a collaborator; removed ⇒ not one), each ❌ left
 * the advisory and the tracking state as they were.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { HAND_MADE_DESCRIPTION, ORG, seedHandTracked, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn, trackingStateOf } from "../helpers/world.js";

type Step =
  | { kind: "command"; target: 0 | 1; actor: "sajay" | "qweeah"; line: string }
  | { kind: "release" }
  | { kind: "sweep" };

const LINES = [
  "/advisory hold embargo with distributions",
  "/advisory unhold",
  // An active maintainer of oras: admissible to either patch team.
  "/advisory add @wangxiaoxuan273",
  "/advisory remove @wangxiaoxuan273",
  // Nobody of the org's maintainer pool: refused, and nothing changes.
  "/advisory add @outsider",
  "/advisory remove @outsider",
  "/advisory remove @TerryHowe",
  "/advisory add @TerryHowe",
  "/advisory remove @reporter1",
];

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("command" as const),
      target: fc.constantFrom(0 as const, 1 as const),
      actor: fc.constantFrom("sajay" as const, "sajay" as const, "qweeah" as const),
      line: fc.constantFrom(...LINES),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "release" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "sweep" as const }) },
);

/** Every history starts with a command of the security team on the person's issue, before any sweep. */
const opening: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant("command" as const),
  target: fc.constant(1 as const),
  actor: fc.constant("sajay" as const),
  line: fc.constantFrom(...LINES),
});

interface Target {
  ghsa: string;
  issue: number;
}

/** A report on oras-go (its tracking issue opened by the app) and a draft in oras tracked by hand. */
async function world(bed: Bed): Promise<Target[]> {
  seedOras(bed.sim);
  const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal",
    description: HAND_MADE_DESCRIPTION,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
        vulnerable_version_range: "< 2.6.1",
        patched_versions: "2.6.1",
        vulnerable_functions: [],
      },
    ],
  });
  await bed.sim.idle();
  const appMade = bed.sim.world
    .listIssues(ORG, TRACKER)
    .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === report.ghsa_id));
  if (!appMade) throw new Error("no tracking issue for the report");
  // The GHSA id in the title too: the shape whose commands once replied ✅ and wrote nothing.
  const hand = seedHandTracked(bed.sim, { repo: "oras", patched: "1.3.1", inTitle: true });
  return [{ ghsa: report.ghsa_id, issue: appMade.number }, hand];
}

function snapshot(bed: Bed, t: Target) {
  const a = bed.sim.world.getAdvisory(t.ghsa)!;
  // The verified state wherever the app keeps it: the body it wrote, or its state comment.
  const state = trackingStateOf(bed, t.issue);
  return {
    state: a.state,
    users: a.collaborating_users.map((u) => u.toLowerCase()).sort(),
    hold: state?.hold ?? null,
    added: state?.added ?? [],
    removed: state?.removed ?? [],
  };
}

const RELEASES = [
  { repo: "oras-go", tag: "v2.6.1" },
  { repo: "oras", tag: "v1.3.1" },
];

describe("every reply to a command is true", () => {
  it("for random sequences of hold, unhold, add and remove on app-made and person-made tracking issues", {
    timeout: 600_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(opening, fc.array(step, { minLength: 2, maxLength: 7 })), async ([first, rest]) => {
        const steps = [first, ...rest];
        const bed = await startBed();
        try {
          const targets = await world(bed);
          const held = [false, false];
          let released = false;
          for (const s of steps) {
            if (s.kind === "release") {
              if (released) continue;
              released = true;
              for (const r of RELEASES)
                await bed.sim.publishRelease(ORG, r.repo, { tag_name: r.tag, author: "qweeah" });
              await bed.sim.idle();
            } else if (s.kind === "sweep") {
              await bed.bot.sweepAll();
            } else {
              const t = targets[s.target]!;
              const before = snapshot(bed, t);
              const sent = await bed.sim.comment(ORG, TRACKER, t.issue, s.actor, s.line);
              await bed.sim.idle();
              const entry = bed.sim.world
                .listComments(ORG, TRACKER, t.issue)
                .map((c) => parseReply(c.body))
                .find((m) => m?.commentId === sent.comment_id)?.entries[0];
              expect(entry, `${s.actor}: ${s.line}`).toBeDefined();
              const after = snapshot(bed, t);
              const what = `${s.actor}: ${s.line} → ${entry?.ok ? "✅" : "❌"} ${entry?.message}`;
              if (!entry?.ok) {
                // Nothing changed, except a release publishing what was not held anyway.
                expect({ ...after, state: before.state }, what).toEqual(before);
                continue;
              }
              const user = /@(\w+)/.exec(s.line)?.[1]?.toLowerCase();
              if (s.line.includes(" hold")) {
                held[s.target] = true;
                expect(after.hold, what).not.toBeNull();
              } else if (s.line.includes("unhold")) {
                held[s.target] = false;
                expect(after.hold, what).toBeNull();
              } else if (s.line.includes(" add ") && user) {
                expect(
                  after.added.map((u) => u.toLowerCase()),
                  what,
                ).toContain(user);
                if (after.state !== "published") expect(after.users, what).toContain(user);
              } else if (s.line.includes(" remove ") && user) {
                expect(
                  after.removed.map((u) => u.toLowerCase()),
                  what,
                ).toContain(user);
                if (after.state !== "published") expect(after.users, what).not.toContain(user);
              }
            }
            // Held ⇒ not published (the fixing release may be out).
            targets.forEach((t, i) => {
              if (held[i]) expect(bed.sim.world.getAdvisory(t.ghsa)?.state, `held ${t.ghsa}`).not.toBe("published");
            });
          }
        } finally {
          await bed.close();
        }
      }),
      { numRuns: Number(process.env.COMMAND_RUNS ?? 3), seed: Number(process.env.COMMAND_SEED ?? 7) },
    );
  });
});
