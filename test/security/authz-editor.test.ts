/**
 * Issue 14 item 2: commands in an edited comment run with the editor's authority (the payload's
 * `sender`), not the comment author's. A tracker writer who adds `/advisory add @someone` to a
 * security-team member's old comment is refused as themself, and the reply names who ran it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { ORAS_GO_UNVERSIONED, stateIn, trackingIssues } from "../helpers/world.js";

describe("an edited comment is authorized as its editor", () => {
  let bed: Bed;
  let ghsa: string;
  let issue: number;

  beforeAll(async () => {
    bed = await startBed({ seed: 71 });
    seedOras(bed.sim);
    bed.sim.world.createUser("writer");
    bed.sim.world.collaborator(ORG, TRACKER, "writer", "write");
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal in blob extraction",
      description: "### Impact\nWrites outside the target directory.\n",
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    ghsa = sent.ghsa_id;
    issue = trackingIssues(bed, ghsa)[0]!.number;
  });
  afterAll(async () => {
    await bed.close();
  });

  const replyTo = (commentId: number) =>
    [...bed.sim.world.comments.values()].map((c) => parseReply(c.body)).find((m) => m?.commentId === commentId);
  const collaborators = () => bed.sim.world.getAdvisory(ghsa)?.collaborating_users ?? [];

  it("a writer's edit of a security-team member's comment does not add anyone, and the reply says who ran it", async () => {
    const sent = await bed.sim.comment(ORG, TRACKER, issue, "FeynmanZhou", "Looking into this one.");
    await bed.sim.idle();
    await bed.sim.editComment(
      ORG,
      TRACKER,
      sent.comment_id,
      "writer",
      "Looking into this one.\n/advisory add @outsider",
    );
    await bed.sim.idle();

    expect(collaborators()).not.toContain("outsider");
    const state = stateIn(trackingIssues(bed, ghsa)[0]!.body);
    expect(state?.added).not.toContain("outsider");
    const entry = replyTo(sent.comment_id)?.entries[0];
    expect(entry).toMatchObject({ text: "/advisory add @outsider", ok: false });
    expect(entry?.message).toContain("@writer is not on the security team");
    expect(entry?.message).toContain("@writer edited this comment of @FeynmanZhou");
  });

  it("the same line, edited in by a security-team member into a writer's comment, runs as the member", async () => {
    const sent = await bed.sim.comment(ORG, TRACKER, issue, "writer", "Notes.");
    await bed.sim.idle();
    await bed.sim.editComment(ORG, TRACKER, sent.comment_id, "FeynmanZhou", "Notes.\n/advisory add @wangxiaoxuan273");
    await bed.sim.idle();
    const entry = replyTo(sent.comment_id)?.entries[0];
    expect(entry).toMatchObject({ text: "/advisory add @wangxiaoxuan273", ok: true });
    expect(entry?.message).toContain("@FeynmanZhou edited this comment of @writer");
    expect(collaborators()).toContain("wangxiaoxuan273");
  });
});
