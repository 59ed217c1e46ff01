/**
 * Tracking issues people opened themselves (before the app was installed, or before its first sweep):
 * the `advisory` label, the GHSA id and the repository in the body, no state of the app. A command on
 * one adopts it in the same run, and a ✅ means the effect is on GitHub.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedHandTracked, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn, trackingStateOf } from "../helpers/world.js";

async function say(bed: Bed, issue: number, user: string, body: string) {
  const sent = await bed.sim.comment(ORG, TRACKER, issue, user, body);
  await bed.sim.idle();
  const reply = bed.sim.world
    .listComments(ORG, TRACKER, issue)
    .map((c) => parseReply(c.body))
    .find((m) => m?.commentId === sent.comment_id);
  return reply?.entries ?? [];
}

const stateOf = (bed: Bed, issue: number) => trackingStateOf(bed, issue);
const appComments = (bed: Bed, issue: number) =>
  bed.sim.world.listComments(ORG, TRACKER, issue).filter((c) => c.user === `${bed.sim.world.app.slug}[bot]`);
const users = (bed: Bed, ghsa: string) =>
  bed.sim.world.getAdvisory(ghsa)!.collaborating_users.map((u) => u.toLowerCase());

describe("tracking issues opened by people", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  for (const inTitle of [true, false]) {
    it(`/advisory hold on one (GHSA id ${inTitle ? "in the title too" : "only in the body"}) holds: the fixing release does not publish until unhold`, async () => {
      bed = await startBed();
      seedOras(bed.sim);
      const { ghsa, issue } = seedHandTracked(bed.sim, { patched: "2.6.1", inTitle });

      const held = await say(bed, issue, "sajay", "/advisory hold waiting for the distributions");
      expect(held).toEqual([expect.objectContaining({ ok: true })]);
      // Adopted in the same run: the state is in the app's one state comment, with the hold; the
      // person's body carries none.
      expect(stateOf(bed, issue)?.hold).toMatchObject({ by: "sajay" });
      expect(stateOf(bed, issue)?.advisories).toEqual([{ repo: `${ORG}/oras-go`, ghsa }]);
      expect(stateIn(bed.sim.world.issue(ORG, TRACKER, issue).body)).toBeNull();
      expect(appComments(bed, issue).filter((c) => stateIn(c.body) !== null)).toHaveLength(1);

      await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
      await bed.sim.idle();
      await bed.bot.sweepAll();
      expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");

      const unheld = await say(bed, issue, "sajay", "/advisory unhold");
      expect(unheld).toEqual([expect.objectContaining({ ok: true })]);
      expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("published");
      // One tracking issue: the person's, never a second one opened by the app.
      expect(bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory"))).toHaveLength(1);
    });
  }

  it("/advisory add and remove on one change the advisory's collaborators, and the state keeps them", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = seedHandTracked(bed.sim);

    // An active maintainer of another repository of the org (oras): admissible.
    const added = await say(bed, issue, "sajay", "/advisory add @wangxiaoxuan273");
    expect(added).toEqual([expect.objectContaining({ ok: true })]);
    expect(users(bed, ghsa)).toContain("wangxiaoxuan273");
    expect(stateOf(bed, issue)?.added).toEqual(["wangxiaoxuan273"]);

    const removed = await say(bed, issue, "sajay", "/advisory remove @TerryHowe");
    expect(removed).toEqual([expect.objectContaining({ ok: true })]);
    expect(users(bed, ghsa)).not.toContain("terryhowe");
    await bed.bot.sweepAll();
    expect(users(bed, ghsa)).toContain("wangxiaoxuan273");
    expect(users(bed, ghsa)).not.toContain("terryhowe");
    // Both commands in the same state comment: adopted once.
    expect(appComments(bed, issue).filter((c) => stateIn(c.body) !== null)).toHaveLength(1);
  });

  it("several commands in one comment on one adopt it once and apply each", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = seedHandTracked(bed.sim);
    const out = await say(bed, issue, "sajay", "/advisory hold\n/advisory add @wangxiaoxuan273");
    expect(out).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
    expect(stateOf(bed, issue)).toMatchObject({ hold: { by: "sajay" }, added: ["wangxiaoxuan273"] });
    expect(users(bed, ghsa)).toContain("wangxiaoxuan273");
    expect(appComments(bed, issue).filter((c) => stateIn(c.body) !== null)).toHaveLength(1);
    const kept = appComments(bed, issue).filter((c) => c.body.includes("The reporter asks to be credited."));
    expect(kept).toHaveLength(1);
  });

  it("the sweep adopts one: the state is written, the text it was opened with is kept in a comment, no second issue", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = seedHandTracked(bed.sim);
    await bed.bot.sweepAll();
    await bed.bot.sweepAll();

    const tracking = bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory"));
    expect(tracking.map((i) => i.number)).toEqual([issue]);
    expect(stateOf(bed, issue)?.advisories).toEqual([{ repo: `${ORG}/oras-go`, ghsa }]);
    const kept = tracking[0]!.comments.filter((c) => c.body.includes("The reporter asks to be credited."));
    expect(kept).toHaveLength(1);
    expect(kept[0]?.user).toBe(`${bed.sim.world.app.slug}[bot]`);
  });

  it("a hold GitHub does not record is answered ❌ with the reason, never ✅", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { issue } = seedHandTracked(bed.sim, { patched: "2.6.1" });
    // Every attempt to write the app's state comment on the tracking issue fails, retries included.
    bed.sim.failNext(
      (r) =>
        r.method === "POST" &&
        r.path === `/repos/${ORG}/${TRACKER}/issues/${issue}/comments` &&
        JSON.stringify(r.body).includes("Tracking state of this issue"),
      50,
    );
    const held = await say(bed, issue, "sajay", "/advisory hold");
    expect(held).toEqual([expect.objectContaining({ ok: false })]);
    expect(held[0]?.message).toMatch(/^The hold did not happen: the tracking issue could not be updated \(.*502/);
    expect(stateOf(bed, issue)?.hold ?? null).toBeNull();
  });

  it("a refusal on one changes nothing: no state is written", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { issue } = seedHandTracked(bed.sim);
    const before = bed.sim.world.issue(ORG, TRACKER, issue).body;
    const refused = await say(bed, issue, "qweeah", "/advisory hold");
    expect(refused).toEqual([expect.objectContaining({ ok: false })]);
    expect(bed.sim.world.issue(ORG, TRACKER, issue).body).toBe(before);
    expect(stateOf(bed, issue)).toBeNull();
  });
});
