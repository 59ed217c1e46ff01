/**
 * The authorization matrix of PRODUCT §4: every verb, as each kind of person, on a tracking issue (and
 * `convert` on a public issue). `help` is for anyone; patch-team verbs for the patch team and the
 * security team; security-team verbs for the security team only; comments by bots are ignored
 * entirely. A refusal says "Not allowed" and writes nothing to the advisory.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReply, type ReplyEntry } from "../../src/domain/command-reply.js";
import { COMMAND_SPECS, VERBS, type Verb } from "../../src/domain/command-specs.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import type { RecordedRequest } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { ORAS_GO_UNVERSIONED, stateIn } from "../helpers/world.js";

type Who = "anyone" | "patch-team" | "security-team" | "repo-maintainer";

/** PRODUCT §4, written out independently of the code's registry. */
const POLICY: Record<Verb, Who> = {
  help: "anyone",
  status: "patch-team",
  accept: "security-team",
  reject: "security-team",
  fork: "patch-team",
  sync: "patch-team",
  add: "security-team",
  remove: "security-team",
  severity: "patch-team",
  cvss: "patch-team",
  "fixed-in": "patch-team",
  cve: "security-team",
  credit: "patch-team",
  hold: "security-team",
  unhold: "security-team",
  watch: "security-team",
  publish: "security-team",
  create: "security-team",
  "also-affects": "security-team",
  convert: "repo-maintainer",
};

/** Arguments that keep each verb cheap; `reject` comes last in any run, it closes the advisory. */
const LINE: Record<Verb, string> = {
  help: "/advisory help",
  status: "/advisory status",
  accept: "/advisory accept",
  fork: "/advisory fork",
  sync: "/advisory sync",
  add: "/advisory add @wangxiaoxuan273", // a maintainer of another active repository: admissible
  remove: "/advisory remove @reporter2",
  severity: "/advisory severity high",
  cvss: "/advisory cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
  "fixed-in": "/advisory fixed-in 2.6.1",
  cve: "/advisory cve",
  credit: "/advisory credit @reporter1 finder",
  hold: "/advisory hold testing the matrix",
  unhold: "/advisory unhold",
  watch: "/advisory watch matrix phrase",
  publish: "/advisory publish",
  create: "/advisory create no-such-repository",
  "also-affects": "/advisory also-affects no-such-repository",
  convert: "/advisory convert",
  reject: "/advisory reject testing the matrix",
};

type Role = "none" | "contributor" | "other-maintainer" | "patch-team" | "security-team" | "bot";

/** Who plays each role in the ORAS-like org (oras-go is the advisory's repository). */
const ACTOR: Record<Role, string> = {
  none: "outsider", // no access at all
  contributor: "contrib", // read collaborator of oras-go and of the tracker
  "other-maintainer": "wangxiaoxuan273", // maintainer of oras only
  "patch-team": "Wwwsylvia", // owner of oras-go, on the advisory as a collaborator
  "security-team": "FeynmanZhou", // member of the security team, maintainer of nothing
  bot: "renovate[bot]",
};

function allowed(role: Role, who: Who, maintainerOfHere: boolean): boolean {
  if (role === "bot") return false;
  switch (who) {
    case "anyone":
      return true;
    case "patch-team":
      return role === "patch-team" || role === "security-team";
    case "security-team":
      return role === "security-team";
    case "repo-maintainer":
      return maintainerOfHere || role === "security-team";
  }
}

const isAdvisoryWrite = (r: RecordedRequest) => r.method !== "GET" && r.path.includes("/security-advisories");

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

describe("authorization: every verb as each role", () => {
  let bed: Bed;
  let ghsa: string;
  let issue: number;

  beforeAll(async () => {
    bed = await startBed({ seed: 17 });
    seedOras(bed.sim);
    bed.sim.world.createUser("contrib");
    bed.sim.world.collaborator(ORG, "oras-go", "contrib", "read");
    bed.sim.world.collaborator(ORG, TRACKER, "contrib", "read");
    bed.sim.world.createUser(ACTOR.bot, { type: "Bot" });
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal in blob extraction",
      description: "### Impact\nWrites outside the target directory.\n",
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    ghsa = sent.ghsa_id;
    issue = bed.sim.world
      .listIssues(ORG, TRACKER)
      .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === ghsa))!.number;
  });

  afterAll(async () => {
    await bed.close();
  });

  /** Posts the lines as one or more comments; returns the reply entries and what was written. */
  async function run(repo: string, number: number, user: string, lines: string[]) {
    const entries: ReplyEntry[] = [];
    const reactions: string[] = [];
    const before = bed.sim.requests.length;
    for (const part of chunks(lines, 10)) {
      const sent = await bed.sim.comment(ORG, repo, number, user, part.join("\n"));
      await bed.sim.idle();
      expect(sent.status).toBe(200);
      // Looked up everywhere: `convert` moves the issue, and the reply with it, into the tracker.
      const reply = [...bed.sim.world.comments.values()]
        .map((c) => parseReply(c.body))
        .find((m) => m?.commentId === sent.comment_id);
      entries.push(...(reply?.entries ?? []));
      reactions.push(...bed.sim.world.listReactions(sent.comment_id).map((r) => r.content));
    }
    const requests = bed.sim.requests.slice(before);
    return { entries, reactions, requests };
  }

  it("the policy table is the one the app enforces", () => {
    expect(Object.fromEntries(VERBS.map((v) => [v, COMMAND_SPECS[v].who]))).toEqual(POLICY);
  });

  // reject closes the advisory, so it comes last; the patch team runs before the security team.
  const verbs: Verb[] = [...VERBS.filter((v) => v !== "convert" && v !== "reject"), "reject"];

  for (const role of ["none", "contributor", "other-maintainer", "bot", "patch-team", "security-team"] as Role[]) {
    it(`as ${role} (@${ACTOR[role]}) on the tracking issue`, async () => {
      if (role === "bot") {
        const out = await run(
          TRACKER,
          issue,
          ACTOR[role],
          verbs.map((v) => LINE[v]),
        );
        // Ignored entirely: no reply, no reaction, no write of any kind.
        expect(out.entries).toEqual([]);
        expect(out.reactions).toEqual([]);
        expect(out.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql")).toEqual([]);
        return;
      }
      // Refused verbs first, on their own, so that nothing else can explain a write.
      const refused = verbs.filter((v) => !allowed(role, POLICY[v], false));
      const permitted = verbs.filter((v) => allowed(role, POLICY[v], false));
      const no = await run(
        TRACKER,
        issue,
        ACTOR[role],
        refused.map((v) => LINE[v]),
      );
      expect(no.entries).toHaveLength(refused.length);
      for (const [i, v] of refused.entries()) {
        const why =
          POLICY[v] === "security-team" ? "is not on the security team" : "is not on this advisory's patch team";
        expect([v, no.entries[i]?.message]).toEqual([v, `Not allowed: @${ACTOR[role]} ${why}.`]);
      }
      expect(no.requests.filter(isAdvisoryWrite).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      if (refused.length > 0) expect([...new Set(no.reactions)].sort()).toEqual(["confused", "eyes"]);

      const yes = await run(
        TRACKER,
        issue,
        ACTOR[role],
        permitted.map((v) => LINE[v]),
      );
      expect(yes.entries).toHaveLength(permitted.length);
      expect(permitted.filter((_, i) => yes.entries[i]?.message.startsWith("Not allowed"))).toEqual([]);
      const outcome = (v: Verb) => yes.entries[permitted.indexOf(v)];
      // The cheap ones did what they say.
      if (role === "patch-team") {
        expect(outcome("severity")).toMatchObject({ ok: true });
        expect(outcome("fixed-in")).toMatchObject({ ok: true });
        expect(bed.sim.world.getAdvisory(ghsa)?.vulnerabilities[0]?.patched_versions).toBe("2.6.1");
      }
      if (role === "security-team") {
        for (const v of ["hold", "unhold", "add", "remove", "status"] as const) {
          expect([v, outcome(v)?.ok]).toEqual([v, true]);
        }
        expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("closed"); // reject, last
      }
    });
  }

  it("convert on a public issue: the repository's maintainers and the security team only; bots ignored", async () => {
    const results: [Role, boolean][] = [];
    for (const role of ["none", "contributor", "other-maintainer", "bot", "patch-team", "security-team"] as Role[]) {
      const report = await bed.sim.openIssue(ORG, "oras-go", "reporter2", { title: `Secret bug seen by ${role}` });
      const out = await run("oras-go", report.number, ACTOR[role], [LINE.convert]);
      const entry = out.entries[0];
      results.push([role, entry !== undefined && !entry.message.startsWith("Not allowed")]);
      if (!entry || entry.message.startsWith("Not allowed")) {
        expect(out.requests.filter(isAdvisoryWrite)).toEqual([]);
        expect(bed.sim.world.listIssues(ORG, "oras-go").some((i) => i.number === report.number)).toBe(true);
      }
    }
    expect(results).toEqual([
      ["none", false],
      ["contributor", false],
      ["other-maintainer", false],
      ["bot", false],
      ["patch-team", true], // a maintainer of oras-go, where the issue is
      ["security-team", true],
    ]);
  });
});
