import { afterEach, describe, expect, it } from "vitest";
import { writeRequests } from "../../src/sim/demo.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { EMBARGOED_CVE, embargoed, ORAS_GO_UNVERSIONED, stateIn, trackingIssues } from "../helpers/world.js";

const CVE = EMBARGOED_CVE;

/** The embargo-watch notices on the tracking issue, by the app. */
function watchNotices(bed: Bed, issue: number): string[] {
  return bed.sim.world
    .listComments(ORG, TRACKER, issue)
    .map((c) => c.body)
    .filter((b) => b.startsWith("**Embargo watch**"));
}

describe("embargo watch", () => {
  let bed: Bed;
  afterEach(async () => {
    // The bed fails the test if anything was written to a public repository naming the advisory.
    await bed.close();
  });

  it("a public PR titled with the GHSA id, a commit naming its CVE and an issue linking its fork: one private notice each, nothing public", async () => {
    bed = await startBed();
    const { ghsa, issue, fork } = await embargoed(bed);
    bed.sim.resetRequests();

    const pr = await bed.sim.openPullRequest(ORG, "oras-go", "eager-contributor", {
      title: `Fix ${ghsa}: clean layer titles`,
      body: "Joins paths safely.",
    });
    await bed.sim.idle();
    expect(pr.status).toBe(200);
    await bed.sim.push(ORG, "oras-go", {
      pusher: "qweeah",
      files: { "content/file.go": "package content\n" },
      message: `content: clean joined paths\n\nFixes ${CVE}.`,
    });
    await bed.sim.idle();
    const linked = await bed.sim.openIssue(ORG, "oras", "curious-user", {
      title: "Is this related to my crash?",
      body: `I saw https://github.com/${fork} mentioned somewhere.`,
    });
    await bed.sim.idle();

    const notices = watchNotices(bed, issue);
    expect(notices).toHaveLength(3);
    expect(notices[0]).toContain(`pull request [${ORG}/oras-go#${pr.number}]`);
    expect(notices[0]).toContain("@eager-contributor");
    expect(notices[0]).toContain(`its GHSA id (${ghsa})`);
    expect(notices[1]).toContain(`commit [${ORG}/oras-go@`);
    expect(notices[1]).toContain(`its CVE id (${CVE})`);
    expect(notices[2]).toContain(`issue [${ORG}/oras#${linked.number}]`);
    expect(notices[2]).toContain(`its private fork (${fork})`);

    // Every write went to the private tracker; the state records each notice once.
    const writes = writeRequests(bed.sim.requests);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((w) => w.path.includes(`/repos/${ORG}/${TRACKER}/`))).toBe(true);
    const state = stateIn(bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body);
    expect(state?.notices.filter((k) => k.startsWith("embargo:"))).toHaveLength(3);

    // The same pull request edited again names the same id: no second notice.
    const before = watchNotices(bed, issue).length;
    await bed.sim.openPullRequest(ORG, "oras-go", "eager-contributor", { title: "Unrelated docs fix" });
    await bed.sim.idle();
    expect(watchNotices(bed, issue)).toHaveLength(before);

    // The dashboard lists where the advisory was named.
    await bed.bot.sweepAll();
    const dashboard = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"));
    expect(dashboard?.body).toContain("## Embargo watch");
    expect(dashboard?.body).toContain(
      `\`${ghsa.toUpperCase()}\` named in public at \`${ORG.toLowerCase()}/oras-go#${pr.number}\``,
    );
  });

  it("a phrase the security team watches matches public text; text that names nothing reads and writes nothing", async () => {
    bed = await startBed();
    const { issue } = await embargoed(bed);
    const watch = await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory watch layer title traversal");
    await bed.sim.idle();
    expect(watch.status).toBe(200);
    expect(stateIn(bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body)?.watch).toEqual([
      "layer title traversal",
    ]);

    bed.sim.resetRequests();
    await bed.sim.openIssue(ORG, "oras", "someone", { title: "Docs: typo in README", body: "Small fix." });
    await bed.sim.openPullRequest(ORG, "oras-go", "someone", { title: "Bump dependencies" });
    // A push to the default branch that touches no roster file: the roster check decides from the
    // roster files the configurations named at the last read, and reads nothing either.
    const push = await bed.sim.push(ORG, "oras-go", {
      pusher: "qweeah",
      files: { "docs/notes.md": "Notes.\n" },
      message: "docs: release notes",
    });
    const draft = await bed.sim.createDraftRelease(ORG, "oras-go", {
      tag_name: "v9.9.9",
      body: "Bug fixes.",
      author: "qweeah",
    });
    await bed.sim.idle();
    expect([push.status, ...draft.deliveries.map((d) => d.status)]).toEqual([200, 200]);
    // Decided from the payload against the index: no read, no write.
    expect(bed.sim.requests.filter((r) => !r.path.endsWith("/access_tokens"))).toEqual([]);

    const hit = await bed.sim.openIssue(ORG, "oras", "someone", {
      title: "Layer Title Traversal in oras pull?",
      body: "Looks exploitable.",
    });
    await bed.sim.idle();
    const notices = watchNotices(bed, issue);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`issue [${ORG}/oras#${hit.number}]`);
    expect(notices[0]).toContain("the watched phrase `layer title traversal`");
    // Only the security team may add phrases.
    const refused = await bed.sim.comment(ORG, TRACKER, issue, "qweeah", "/advisory watch another phrase");
    await bed.sim.idle();
    const reply = bed.sim.world
      .listComments(ORG, TRACKER, issue)
      .find((c) => c.user.endsWith("[bot]") && c.body.includes("/advisory watch another phrase"));
    expect(refused.status).toBe(200);
    expect(reply?.body).toContain("❌");
  });

  it("a push of several commits, one naming the CVE deep in its message: the notice cites that commit", async () => {
    bed = await startBed();
    const { issue } = await embargoed(bed);
    const pushed = await bed.sim.push(ORG, "oras-go", {
      pusher: "qweeah",
      files: { "docs/notes.md": "Notes.\n" },
      message: "docs: notes",
    });
    await bed.sim.idle();
    const payload = structuredClone(bed.sim.deliveries.find((d) => d.id === pushed.id)?.payload) as {
      ref: string;
      commits: Array<{ id: string; message: string; url: string }>;
      installation?: unknown;
    };
    const [first] = payload.commits;
    if (!first) throw new Error("no commit");
    const ids = [bed.sim.world.sha(), bed.sim.world.sha(), bed.sim.world.sha()];
    payload.commits = ids.map((id, i) => ({
      ...first,
      id,
      url: first.url.replace(first.id, id),
      message: i === 1 ? `content: tidy\n\n${"Long context. ".repeat(200)}Refs ${CVE}.` : `chore ${i}`,
    }));
    payload.ref = "refs/heads/feature/tidy"; // any branch: the watch reads every branch of a public repository
    delete payload.installation;
    const sent = await bed.sim.deliver("push", payload as unknown as Record<string, unknown>);
    await bed.sim.idle();
    expect(sent.status).toBe(200);
    const notices = watchNotices(bed, issue);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`commit [${ORG}/oras-go@${ids[1]?.slice(0, 7)}]`);
    expect(notices[0]).toContain(`its CVE id (${CVE})`);
    expect(notices[0]).not.toContain("Long context");
  });

  it("before the first sweep, the index costs one conditional list of the org's advisories", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const reported = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "A flaw",
      description: "### Impact\nBad.\n",
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    bed.sim.resetRequests();
    await bed.sim.openIssue(ORG, "oras", "someone", { title: "Unrelated", body: "Nothing here." });
    await bed.sim.idle();
    const reads = bed.sim.requests.filter((r) => !r.path.endsWith("/access_tokens"));
    expect(reads.map((r) => `${r.method} ${r.route}`)).toEqual(["GET /orgs/{org}/security-advisories"]);
    // A second text that names nothing reads nothing more.
    bed.sim.resetRequests();
    await bed.sim.openIssue(ORG, "oras", "someone", { title: `About ${reported.ghsa_id}`, body: "" });
    await bed.sim.idle();
    expect(watchNotices(bed, trackingIssues(bed, reported.ghsa_id)[0]?.number ?? 0)).toHaveLength(1);
  });
});
