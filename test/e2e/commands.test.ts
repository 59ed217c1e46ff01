import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, ORG_CONFIG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";
import { ORAS_GO_UNVERSIONED, stateIn, trackingStateOf } from "../helpers/world.js";

const COMPLETE =
  "### Impact\nA crafted manifest escapes the target directory.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";
const SUMMARY = "Path traversal in artifact extraction";

async function reportAndTrack(bed: Bed, description = COMPLETE) {
  const delivered = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: SUMMARY,
    description,
    vulnerabilities: [ORAS_GO_UNVERSIONED],
  });
  await bed.sim.idle();
  const issue = bed.sim.world
    .listIssues(ORG, TRACKER)
    .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === delivered.ghsa_id))!;
  return { ghsa: delivered.ghsa_id, issue: issue.number };
}

async function say(bed: Bed, repo: string, issue: number, user: string, body: string) {
  const sent = await bed.sim.comment(ORG, repo, issue, user, body);
  await bed.sim.idle();
  const reply = bed.sim.world
    .listComments(ORG, repo, issue)
    .map((c) => ({ c, memory: parseReply(c.body) }))
    .find((x) => x.memory?.commentId === sent.comment_id);
  const reactions = bed.sim.world.listReactions(sent.comment_id).map((r) => r.content);
  return { id: sent.comment_id, reply: reply?.c.body ?? "", entries: reply?.memory?.entries ?? [], reactions };
}

describe("slash commands", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("a maintainer's sequence: fixed-in, severity, publish refused before the release, publish after it", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await reportAndTrack(bed);

    const fixed = await say(bed, TRACKER, issue, "qweeah", "/advisory fixed-in v2.6.1\n/advisory severity high");
    expect(fixed.entries.map((e) => [e.text, e.ok])).toEqual([
      ["/advisory fixed-in v2.6.1", true],
      ["/advisory severity high", true],
    ]);
    expect(fixed.reactions).toEqual(["eyes", "rocket"]);
    const advisory = bed.sim.world.getAdvisory(ghsa)!;
    expect(advisory.vulnerabilities[0]).toMatchObject({
      patched_versions: "2.6.1",
      vulnerable_version_range: "< 2.6.1",
    });
    expect(advisory.severity).toBe("high");

    const early = await say(bed, TRACKER, issue, "shizhMSFT", "/advisory publish");
    expect(early.entries[0]?.ok).toBe(false);
    expect(early.entries[0]?.message).toContain("no published release for 2.6.1");
    expect(early.reactions).toEqual(["eyes", "confused"]);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");

    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("published"); // the release published it
    expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
    expect(bed.sim.unknownRoutes).toEqual([]);
  });

  it("hold pauses publication on release; unhold publishes; publish by command goes through the same gate", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await reportAndTrack(bed);
    await say(bed, TRACKER, issue, "qweeah", "/advisory fixed-in 2.6.1\n/advisory severity medium");
    const held = await say(bed, TRACKER, issue, "sajay", "/advisory hold coordinating with distributions");
    expect(held.entries[0]?.ok).toBe(true);
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    const refused = await say(bed, TRACKER, issue, "sajay", "/advisory publish");
    expect(refused.entries[0]?.message).toMatch(/on hold/);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    await say(bed, TRACKER, issue, "sajay", "/advisory unhold");
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("published");
  });

  it("security-team verbs are refused for a patch-team member, and a user with no role writes nothing", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await reportAndTrack(bed);
    const before = structuredClone(bed.sim.world.getAdvisory(ghsa));
    const hold = await say(bed, TRACKER, issue, "qweeah", "/advisory hold");
    expect(hold.entries[0]).toMatchObject({ ok: false, message: "Not allowed: @qweeah is not on the security team." });
    bed.sim.world.collaborator(ORG, TRACKER, "outsider", "read");
    bed.sim.resetRequests();
    const nobody = await say(
      bed,
      TRACKER,
      issue,
      "outsider",
      "/advisory severity critical\n/advisory fixed-in 9.9.9\n/advisory add @outsider",
    );
    expect(nobody.entries.every((e) => !e.ok)).toBe(true);
    expect(nobody.entries[0]?.message).toBe("Not allowed: @outsider is not on this advisory's patch team.");
    const advisoryWrites = bed.sim.requests.filter(
      (r) => r.method !== "GET" && r.route?.includes("security-advisories"),
    );
    expect(advisoryWrites).toEqual([]);
    expect(bed.sim.world.getAdvisory(ghsa)?.collaborating_users).toEqual(before?.collaborating_users);
  });

  it("add and remove are recorded on the tracking issue and kept through sweeps; the reporter cannot be removed", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}patchTeam:\n  outsideExperts: [outsider]\n` });
    const { ghsa, issue } = await reportAndTrack(bed);
    const out = await say(
      bed,
      TRACKER,
      issue,
      "sajay",
      "/advisory add @outsider\n/advisory remove @TerryHowe\n/advisory remove @reporter1",
    );
    expect(out.entries.map((e) => e.ok)).toEqual([true, true, false]);
    await bed.bot.sweepAll();
    const team = bed.sim.world.getAdvisory(ghsa)!.collaborating_users;
    expect(team).toContain("outsider");
    expect(team).not.toContain("TerryHowe");
    expect(team).toContain("reporter1");
    const state = stateIn(bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body);
    expect(state?.added).toEqual(["outsider"]);
    expect(state?.removed).toEqual(["TerryHowe"]);
  });

  it("add admits active maintainers of active repositories and the org's outside experts; anyone else is refused with the reason", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}patchTeam:\n  outsideExperts: ["@FeynmanZhou"]\n` });
    // A repository's own file cannot name outside experts: that is the org's call.
    bed.sim.world
      .repo(ORG, "oras-go")
      .files.set(".github/advisory-bot.yml", "_extends: .github\npatchTeam:\n  outsideExperts: [outsider]\n");
    const { ghsa, issue } = await reportAndTrack(bed);
    const out = await say(
      bed,
      TRACKER,
      issue,
      "sajay",
      [
        "/advisory add @wangxiaoxuan273", // maintainer of oras (another active repository)
        "/advisory add @FeynmanZhou", // outside expert named in the org's configuration
        "/advisory add @outsider", // named only in oras-go's own file
        "/advisory add @deitch", // emeritus of oras-go, maintains nothing else
        "/advisory add @SteveLasker", // owner of artifacts-spec (inactive) and of oras
        "/advisory add @reporter1", // the reporter: already there as GitHub added them
      ].join("\n"),
    );
    expect(out.entries.map((e) => e.ok)).toEqual([true, true, false, false, true, true]);
    expect(out.entries[0]?.message).toBe(
      "@wangxiaoxuan273 (an active maintainer of oras) is added to the patch team and kept there.",
    );
    expect(out.entries[1]?.message).toMatch(/outside expert named in the org's configuration/);
    expect(out.entries[2]?.message).toBe(
      "@outsider is not an active maintainer of an active repository of the org, and is not named in `patchTeam.outsideExperts` of the org's configuration. The patch team stays within the maintainers; an org admin can name an outside expert there.",
    );
    expect(out.entries[3]?.message).toMatch(
      /^@deitch is not an active maintainer of an active repository of the org \(@deitch is emeritus in oras-go\)/,
    );
    expect(out.entries[5]?.message).toMatch(/reported this vulnerability/);
    const team = bed.sim.world.getAdvisory(ghsa)!.collaborating_users;
    expect(team).toEqual(expect.arrayContaining(["wangxiaoxuan273", "FeynmanZhou", "SteveLasker", "reporter1"]));
    expect(team).not.toContain("outsider");
    expect(team).not.toContain("deitch");
    const body = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body ?? "";
    expect(stateIn(body)?.added).toEqual(["wangxiaoxuan273", "FeynmanZhou", "SteveLasker"]);
    expect(body).toMatch(
      /Outside experts on the patch team \(not maintainers; named in `patchTeam\.outsideExperts` of the org's configuration\): @FeynmanZhou\n/,
    );
  });

  it("commands in code blocks, quotes and HTML comments do nothing; a typo gets a suggestion", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await reportAndTrack(bed);
    const quiet = await say(
      bed,
      TRACKER,
      issue,
      "sajay",
      "```\n/advisory severity low\n```\n> /advisory hold\n<!-- /advisory publish -->\n`/advisory cve`",
    );
    expect(quiet.reply).toBe("");
    expect(quiet.reactions).toEqual([]);
    expect(bed.sim.world.getAdvisory(ghsa)?.severity).not.toBe("low");
    const typo = await say(bed, TRACKER, issue, "sajay", "/advisory publsh");
    expect(typo.entries[0]?.message).toMatch(/did you mean `\/advisory publish`/i);
  });

  it("an edited comment runs only the commands it did not run before, and the reply is updated in place", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await reportAndTrack(bed);
    const first = await say(bed, TRACKER, issue, "qweeah", "/advisory severity low");
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "qweeah", { severity: "critical" });
    await bed.sim.editComment(ORG, TRACKER, first.id, "qweeah", "/advisory severity low\n/advisory fixed-in 2.7.0");
    await bed.sim.idle();
    const advisory = bed.sim.world.getAdvisory(ghsa)!;
    expect(advisory.severity).toBe("critical"); // the first command did not run again
    expect(advisory.vulnerabilities[0]?.patched_versions).toBe("2.7.0");
    const replies = bed.sim.world
      .listComments(ORG, TRACKER, issue)
      .filter((c) => parseReply(c.body)?.commentId === first.id);
    expect(replies).toHaveLength(1);
    expect(parseReply(replies[0]?.body)?.entries.map((e) => e.text)).toEqual([
      "/advisory severity low",
      "/advisory fixed-in 2.7.0",
    ]);
  });

  it("help works anywhere for anyone; tracker-only verbs are refused in a public issue without leaking anything", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa } = await reportAndTrack(bed);
    const publicIssue = await bed.sim.openIssue(ORG, "oras", "outsider", { title: "question" });
    const help = await say(bed, "oras", publicIssue.number, "outsider", "/advisory help");
    expect(help.entries[0]?.message).toContain("| command | where | who | what |");
    // Someone outside the org: any other command is refused with a reaction, no reply.
    const stranger = await say(bed, "oras", publicIssue.number, "outsider", "/advisory help\n/advisory publish");
    expect(stranger.entries).toEqual([]);
    expect(stranger.reactions).toEqual(["confused"]);
    // A member: the tracker-only verb is refused in the reply, which carries nothing of the advisory.
    const member = await say(bed, "oras", publicIssue.number, "TerryHowe", "/advisory help\n/advisory publish");
    expect(member.entries[0]?.message).toContain("| command | where | who | what |");
    expect(member.entries[1]?.ok).toBe(false);
    expect(member.reply).not.toContain(ghsa);
    expect(member.reply).not.toContain(SUMMARY);
  });

  it("create: a report pasted into the tracker becomes a draft advisory, and the issue its tracking issue", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", {
      title: "Token printed in debug log",
      body: "### Impact\nThe token appears with --debug.",
    });
    const out = await say(bed, TRACKER, pasted.number, "sajay", "/advisory create oras high");
    expect(out.entries[0]?.ok).toBe(true);
    const created = bed.sim.world.listAdvisories(ORG, "oras");
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ summary: "Token printed in debug log", severity: "high", state: "draft" });
    expect(created[0]?.vulnerabilities[0]?.package).toMatchObject({ ecosystem: "go", name: "oras.land/oras" });
    const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === pasted.number)!;
    expect(issue.labels).toContain("advisory");
    // A person opened the issue: its state lives in the app's own state comment, not in the body.
    expect(trackingStateOf(bed, pasted.number)?.advisories).toEqual([
      { repo: `${ORG}/oras`, ghsa: created[0]?.ghsa_id },
    ]);
    expect(stateIn(issue.body)).toBeNull();
    const kept = bed.sim.world
      .listComments(ORG, TRACKER, pasted.number)
      .some((c) => c.body.includes("The token appears with --debug."));
    expect(kept).toBe(true);
    const denied = await say(bed, TRACKER, pasted.number, "qweeah", "/advisory create oras-go");
    expect(denied.entries[0]?.ok).toBe(false);
  });

  it("convert: a public report moves to the private tracker first and becomes a draft; nothing stays in public", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const leak = await bed.sim.openIssue(ORG, "oras", "reporter2", {
      title: "RCE via crafted config",
      body: "Send this config and the CLI runs it.",
    });
    const sent = await bed.sim.comment(ORG, "oras", leak.number, "SteveLasker", "/advisory convert");
    await bed.sim.idle();
    expect(bed.sim.world.listIssues(ORG, "oras").filter((i) => i.title === "RCE via crafted config")).toHaveLength(0);
    const moved = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.title === "RCE via crafted config");
    expect(moved).toBeDefined();
    const [draft] = bed.sim.world.listAdvisories(ORG, "oras");
    expect(draft?.state).toBe("draft");
    expect(trackingStateOf(bed, moved!.number)?.advisories[0]?.ghsa).toBe(draft?.ghsa_id);
    const transfer = bed.sim.requests.findIndex((r) => /transferIssue/.test(r.graphql?.query ?? ""));
    const create = bed.sim.requests.findIndex(
      (r) => r.method === "POST" && r.route === "/repos/{owner}/{repo}/security-advisories",
    );
    expect(transfer).toBeGreaterThanOrEqual(0);
    expect(transfer).toBeLessThan(create);
    expect(sent.comment_id).toBeGreaterThan(0);
  });

  it("convert by someone who is not a maintainer of the repository does nothing", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const leak = await bed.sim.openIssue(ORG, "oras", "reporter2", { title: "Secret bug", body: "details" });
    // Outside the org: refused after one read, with a reaction and no reply.
    const out = await say(bed, "oras", leak.number, "reporter2", "/advisory convert");
    expect(out.entries).toEqual([]);
    expect(out.reactions).toEqual(["confused"]);
    // A member of the org who maintains another repository: refused, and told why.
    const member = await say(bed, "oras", leak.number, "Wwwsylvia", "/advisory convert");
    expect(member.entries[0]).toMatchObject({
      ok: false,
      message: "Not allowed: @Wwwsylvia is not an active maintainer of oras.",
    });
    expect(bed.sim.world.listIssues(ORG, "oras").some((i) => i.title === "Secret bug")).toBe(true);
    expect(bed.sim.world.listAdvisories(ORG, "oras")).toHaveLength(0);
  });
});
