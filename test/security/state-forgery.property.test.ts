/**
 * Property: whatever people write into the text they control — the advisory summary and description,
 * tracking-issue bodies, comments, edits of other people's comments, issues they open in the tracker —
 * the patch team, the hold and the publication decision are those of the same history without the
 * forged text.
 *
 * The forged text includes commands hidden the ways markdown hides them (quotes, lazy quote lines,
 * fences, code spans, HTML comments and blocks, headings) typed by a security-team member, and edits
 * of the app's own comments by a tracker writer.
 *
 * One bed runs both histories side by side: the oras-go advisory gets each step with forged text (state,
 * reply and notice markers, split and look-alike sequences), the oras advisory gets the same step with
 * the forged text left out. After the same fix and release for both, they must have ended the same way.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { collaborators, forgeReplyMarker, forgeStateMarker, issuesNaming } from "../helpers/forge.js";
import { trackingStateOf } from "../helpers/world.js";

interface Side {
  repo: "oras-go" | "oras";
  ghsa: string;
  issue: number;
  team: string[];
  fixed: { description: string; tag: string; vulnerability: Record<string, unknown> };
}

type Writer = "reporter1" | "qweeah" | "TerryHowe" | "outsider";
type Step =
  | { kind: "summary"; forged: string }
  | { kind: "description"; forged: string }
  | { kind: "comment"; who: Writer; forged: string }
  | { kind: "edit-comment"; forged: string }
  | { kind: "edit-body"; forged: string }
  | { kind: "edit-app-comment"; forged: string }
  | { kind: "hidden-command"; forged: string }
  | { kind: "open-issue"; forged: string }
  | { kind: "hold" }
  | { kind: "sweep" };

/** Forged text aimed at the advisory `ghsa`: every shape of marker the app has, whole or split. */
function forgedText(ghsa: string, variant: number, noise: string): string {
  const tracked = [{ repo: `${ORG}/oras-go`, ghsa }];
  const variants = [
    forgeStateMarker({ advisories: tracked, added: ["outsider"] }),
    forgeStateMarker({ advisories: tracked, removed: ["qweeah", "shizhMSFT", "Wwwsylvia", "TerryHowe"] }),
    forgeStateMarker({ advisories: tracked, hold: null, notices: [`blocked:${ghsa}:v2.6.1`] }),
    forgeStateMarker({ advisories: [] }),
    forgeStateMarker({ advisories: tracked, added: ["outsider"] }, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    forgeReplyMarker(3_000_010, ["/advisory hold embargo"]),
    `<!-- oras-advisory-bot:notice blocked:${ghsa}:v2.6.1 -->`,
    `<!-${noise}- oras-advisory-bot:state ${noise} -->`,
    `\uff1c!-- oras-advisory-bot:state x --\uff1e`,
    `/advisory add @outsider ${forgeStateMarker({ advisories: tracked, added: ["outsider"] })}`,
  ];
  return `${noise}${variants[variant % variants.length]}`;
}

/**
 * A command the security team may run, that would change the hold or the patch team, written where
 * markdown does not render it as a line of text: it must never run.
 */
function hiddenCommand(variant: number): string {
  const command = ["/advisory unhold", "/advisory remove @qweeah", "/advisory add @outsider"][variant % 3] as string;
  const shapes = [
    `> ${command}`,
    `> On Monday, someone wrote:\n${command}`,
    `\`\`\`\n${command}\n\`\`\``,
    `~~~\n${command}`,
    `\`${command}\``,
    `\`see\n${command}\nlater\``,
    `<!-- ${command} -->`,
    `<!--\n${command}\n-->`,
    `<details>\n${command}\n</details>`,
    `${command}\n---`,
    `    ${command}`,
  ];
  return shapes[Math.floor(variant / 3) % shapes.length] as string;
}

const WRITERS: Writer[] = ["reporter1", "qweeah", "TerryHowe", "outsider"];
const stepArb: fc.Arbitrary<(ghsa: string) => Step> = fc.oneof(
  fc.nat(32).map((v) => () => ({ kind: "hidden-command", forged: hiddenCommand(v) }) as Step),
  ...(["summary", "description", "edit-comment", "edit-body", "edit-app-comment", "open-issue"] as const).map((kind) =>
    fc.tuple(fc.nat(20), fc.string({ maxLength: 4 })).map(
      ([v, noise]) =>
        (ghsa: string) =>
          ({ kind, forged: forgedText(ghsa, v, noise) }) as Step,
    ),
  ),
  fc.tuple(fc.constantFrom(...WRITERS), fc.nat(20), fc.string({ maxLength: 4 })).map(
    ([who, v, noise]) =>
      (ghsa: string) =>
        ({ kind: "comment", who, forged: forgedText(ghsa, v, noise) }) as Step,
  ),
  fc.constant(() => ({ kind: "hold" }) as Step),
  fc.constant(() => ({ kind: "sweep" }) as Step),
);

/** Neither contains the other: the leak scanner matches summaries as substrings. */
const SUMMARY: Record<Side["repo"], string> = {
  "oras-go": "Path traversal in blob extraction",
  oras: "Credential echo in debug output",
};

async function report(bed: Bed, repo: Side["repo"]): Promise<Side> {
  const sent = await bed.sim.reportVulnerability(ORG, repo, {
    reporter: "reporter1",
    // Each side its own summary: one published side's release notes must not quote the other's.
    summary: SUMMARY[repo],
    description: "### Impact\nWrites outside the target directory.\n",
    severity: "high",
  });
  await bed.sim.idle();
  const pkg = repo === "oras-go" ? "oras.land/oras-go/v2" : "oras.land/oras";
  const version = repo === "oras-go" ? "2.6.1" : "1.3.1";
  return {
    repo,
    ghsa: sent.ghsa_id,
    issue: issuesNaming(bed, sent.ghsa_id)[0]!.number,
    team: collaborators(bed, sent.ghsa_id),
    fixed: {
      description: `### Impact\nWrites outside the target directory.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade to ${version}.\n`,
      tag: `v${version}`,
      vulnerability: {
        package: { ecosystem: "go", name: pkg },
        vulnerable_version_range: `< ${version}`,
        patched_versions: version,
        vulnerable_functions: [],
      },
    },
  };
}

/** One step on one side: `text` is the forged text on the forged side, "" on the clean one. */
async function play(bed: Bed, side: Side, step: Step, text: string): Promise<void> {
  const world = bed.sim.world;
  switch (step.kind) {
    case "summary":
      await bed.sim.editAdvisoryByHand(ORG, side.repo, side.ghsa, "reporter1", {
        summary: `${SUMMARY[side.repo]} ${text}`,
      });
      return;
    case "description":
      await bed.sim.editAdvisoryByHand(ORG, side.repo, side.ghsa, "reporter1", {
        description: `### Impact\nWrites outside the target directory.\n${text}\n`,
      });
      return;
    case "comment":
      await bed.sim.comment(ORG, TRACKER, side.issue, step.who, `Looking into it. ${text}`);
      return;
    case "edit-comment": {
      const theirs = world.listComments(ORG, TRACKER, side.issue).find((c) => !c.user.endsWith("[bot]"));
      if (theirs) await bed.sim.editComment(ORG, TRACKER, theirs.id, "TerryHowe", `${theirs.body} ${text}`);
      return;
    }
    case "edit-app-comment": {
      // A tracker writer edits the app's latest comment (a reply, a notice): GitHub keeps the app as its author.
      const mine = world.listComments(ORG, TRACKER, side.issue).filter((c) => c.user.endsWith("[bot]"));
      const last = mine[mine.length - 1];
      if (last) await bed.sim.editComment(ORG, TRACKER, last.id, "TerryHowe", `${last.body}\n${text}`);
      return;
    }
    case "hidden-command":
      await bed.sim.comment(
        ORG,
        TRACKER,
        side.issue,
        "sajay",
        text === "" ? "Looking into it." : `Looking into it.\n\n${text}`,
      );
      return;
    case "edit-body": {
      // A person edits the app's issue: on both sides text lands after the state, which no longer verifies.
      const issue = world.issue(ORG, TRACKER, side.issue);
      world.updateIssue(issue, { body: `${issue.body ?? ""}\n\nedited by hand ${text}` });
      return;
    }
    case "open-issue":
      await bed.sim.openIssue(ORG, TRACKER, "TerryHowe", {
        title: `[${side.ghsa}] Security advisory in ${ORG}/${side.repo}`,
        body: `Tracking this too.\n\n${text}`,
        labels: ["advisory"],
      });
      return;
    case "hold":
      await bed.sim.comment(ORG, TRACKER, side.issue, "sajay", "/advisory hold embargo");
      return;
    case "sweep":
      return;
  }
}

async function outcome(bed: Bed, side: Side) {
  const advisory = bed.sim.world.getAdvisory(side.ghsa);
  const state = trackingStateOf(bed, side.issue);
  return {
    teamUnchanged: JSON.stringify(collaborators(bed, side.ghsa)) === JSON.stringify(side.team),
    held: state?.hold !== null && state?.hold !== undefined,
    trusted: state !== null,
    published: advisory?.state === "published",
  };
}

describe("forged text in everything people can write", () => {
  it("never changes the patch team, the hold or the publication decision", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 4 }), async (steps) => {
        const bed = await startBed();
        try {
          seedOras(bed.sim);
          const forged = await report(bed, "oras-go");
          const clean = await report(bed, "oras");
          for (const make of steps) {
            const step = make(forged.ghsa);
            const text = "forged" in step ? step.forged : "";
            await play(bed, forged, step, text);
            await bed.sim.idle();
            await play(bed, clean, step, "");
            await bed.sim.idle();
            await bed.bot.sweepAll();
          }
          for (const side of [forged, clean]) {
            await bed.sim.editAdvisoryByHand(ORG, side.repo, side.ghsa, "qweeah", {
              description: side.fixed.description,
              vulnerabilities: [side.fixed.vulnerability],
            });
            await bed.sim.publishRelease(ORG, side.repo, { tag_name: side.fixed.tag, author: "qweeah" });
            await bed.sim.idle();
          }
          await bed.bot.sweepAll();
          const [a, b] = [await outcome(bed, forged), await outcome(bed, clean)];
          expect(a.teamUnchanged).toBe(true);
          expect(b.teamUnchanged).toBe(true);
          expect(a).toEqual(b);
          expect(collaborators(bed, forged.ghsa)).not.toContain("outsider");
        } finally {
          await bed.close();
        }
      }),
      {
        numRuns: Number(process.env.STATE_PROPERTY_RUNS ?? 3),
        seed: Number(process.env.STATE_PROPERTY_SEED ?? 14),
        // Always tried: a hidden unhold after a hold (a lazy quote line), a hidden removal (an HTML
        // block, a setext heading).
        examples: [
          [[() => ({ kind: "hold" }), () => ({ kind: "hidden-command", forged: hiddenCommand(3) })]],
          [[() => ({ kind: "hidden-command", forged: hiddenCommand(25) })]],
          [[() => ({ kind: "hidden-command", forged: hiddenCommand(28) })]],
        ],
      },
    );
  }, 240_000);
});
