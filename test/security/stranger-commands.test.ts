/**
 * Issue 14 item 12: any stranger's `/advisory <verb>` in a public issue read the whole org under the
 * org's lock — 100 such comments cost ~900 requests and queued a security-team `hold` behind them.
 * Now a stranger's command in a public repository is refused after one read (org membership), without
 * the org's lock and without reading the org: one 😕 reaction, no reply. Members are unaffected, and
 * `help` is still answered for anyone. Asserted on request counts and lock acquisitions, not on time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import type { RecordedRequest } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { KeyedLock } from "../../src/workflows/lock.js";
import { ORAS_GO_UNVERSIONED, trackingIssues, trackingStateOf } from "../helpers/world.js";

const TOKEN_ROUTE = "/app/installations/{installation_id}/access_tokens";
const counted = (requests: readonly RecordedRequest[]) => requests.filter((r) => r.route !== TOKEN_ROUTE);

const STRANGER_LINES = [
  "/advisory hold",
  "/advisory publish",
  "/advisory convert",
  "/advisory pubish",
  "Please look.\n/advisory add @stranger0\n/advisory help",
];

describe("a stranger's commands in public cost one read each and never wait for the org", () => {
  let bed: Bed;
  let ghsa: string;
  let tracking: number;
  let publicIssue: number;

  beforeAll(async () => {
    bed = await startBed({ seed: 121 });
    seedOras(bed.sim);
    for (let i = 0; i < 10; i++) bed.sim.world.createUser(`stranger${i}`);
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal in blob extraction",
      description: "### Impact\nWrites outside the target directory.\n",
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    ghsa = sent.ghsa_id;
    tracking = trackingIssues(bed, ghsa)[0]!.number;
    publicIssue = (await bed.sim.openIssue(ORG, "oras", "stranger0", { title: "question" })).number;
    await bed.sim.idle();
  });
  afterAll(async () => {
    await bed.close();
  });

  const botComments = () => [...bed.sim.world.comments.values()].filter((c) => c.user.endsWith("[bot]"));

  it("100 strangers' commands: at most 200 requests, no org read, no reply, no lock", async () => {
    const lock = vi.spyOn(KeyedLock.prototype, "run");
    const replies = botComments().length;
    bed.sim.resetRequests();
    const comments: number[] = [];
    for (let i = 0; i < 100; i++) {
      const sent = await bed.sim.comment(ORG, "oras", publicIssue, `stranger${i % 10}`, STRANGER_LINES[i % 5]!);
      expect(sent.status).toBe(200);
      comments.push(sent.comment_id);
    }
    await bed.sim.idle();
    const requests = counted(bed.sim.requests);
    lock.mockRestore();

    expect(requests.length).toBeLessThanOrEqual(200);
    expect(requests.filter((r) => r.path === "/graphql")).toEqual([]);
    const kinds = new Set(requests.map((r) => `${r.method} ${r.route}`));
    expect([...kinds].sort()).toEqual([
      "GET /orgs/{org}/members/{username}",
      "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    ]);
    expect(lock).not.toHaveBeenCalled();
    expect(botComments()).toHaveLength(replies);
    for (const id of comments) expect(bed.sim.world.listReactions(id).map((r) => r.content)).toEqual(["confused"]);
  });

  it("a security-team hold sent among strangers' commands is not queued behind them, and holds", async () => {
    bed.sim.resetRequests();
    const lock = vi.spyOn(KeyedLock.prototype, "run");
    const strangers = Array.from({ length: 30 }, (_, i) =>
      bed.sim.comment(ORG, "oras", publicIssue, `stranger${i % 10}`, "/advisory hold"),
    );
    const hold = bed.sim.comment(ORG, TRACKER, tracking, "FeynmanZhou", "/advisory hold until the embargo");
    await Promise.all([...strangers, hold]);
    await bed.sim.idle();
    // Only the security team's comment took the org's lock: nothing queued in front of it.
    const locked = lock.mock.calls.length;
    lock.mockRestore();
    expect(locked).toBeGreaterThan(0);
    expect(locked).toBeLessThanOrEqual(2);
    expect(trackingStateOf(bed, tracking)?.hold).toMatchObject({ by: "FeynmanZhou" });
    // The strangers' 30 comments cost 60 requests at most; everything else is the security team's.
    const strangerRequests = counted(bed.sim.requests).filter(
      (r) => r.route === "/orgs/{org}/members/{username}" || r.path.includes("/reactions"),
    );
    expect(strangerRequests.length).toBeLessThanOrEqual(60 + 2);
  });

  it("help alone is answered for a stranger; a member's command in public takes the ordinary path", async () => {
    const help = await bed.sim.comment(ORG, "oras", publicIssue, "stranger3", "/advisory help");
    await bed.sim.idle();
    const helpReply = botComments().find((c) => parseReply(c.body)?.commentId === help.comment_id);
    expect(helpReply?.body).toContain("| command | where | who | what |");

    const member = await bed.sim.comment(ORG, "oras", publicIssue, "qweeah", "/advisory hold");
    await bed.sim.idle();
    const entry = botComments()
      .map((c) => parseReply(c.body))
      .find((m) => m?.commentId === member.comment_id)?.entries[0];
    expect(entry).toMatchObject({ text: "/advisory hold", ok: false });
    expect(entry?.message).toContain("works in a tracking issue");
  });
});
