import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";
import { stateIn } from "../helpers/world.js";

const COMPLETE = `### Impact
A crafted manifest makes the client write outside its target directory.

### Details
The path of each blob is joined without cleaning.

### Patches
Fixed in v2.6.1.

### Workarounds
None.
`;

let drafted = 0;

function draft(
  bed: Bed,
  repo: string,
  patched: string,
  description = COMPLETE,
  summary = `Flaw #${++drafted} fixed in ${patched}`,
) {
  return bed.sim.createAdvisoryByHand(ORG, repo, "qweeah", {
    summary,
    description,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: repo === "oras" ? "oras.land/oras" : "oras.land/oras-go/v2" },
        vulnerable_version_range: `< ${patched}`,
        patched_versions: patched,
        vulnerable_functions: [],
      },
    ],
  });
}

function stateOf(bed: Bed, ghsa: string) {
  return bed.sim.world.getAdvisory(ghsa)?.state;
}

function trackingIssue(bed: Bed, ghsa: string) {
  return bed.sim.world
    .listIssues(ORG, TRACKER)
    .find((i) => i.labels.includes("advisory") && stateIn(i.body)?.advisories.some((a) => a.ghsa === ghsa));
}

describe("publication only after the fixing release", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("a release that fixes two of three drafts publishes exactly those two, annotates the release once and closes their tracking issues", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    const b = draft(bed, "oras-go", "2.6.1");
    const c = draft(bed, "oras-go", "2.7.0");
    await bed.bot.sweepAll();
    expect([a, b, c].map((x) => stateOf(bed, x.ghsa_id))).toEqual(["draft", "draft", "draft"]);

    bed.sim.resetRequests();
    const { release_id } = await bed.sim.publishRelease(ORG, "oras-go", {
      tag_name: "v2.6.1",
      body: "Bug fixes.",
      author: "qweeah",
    });
    await bed.sim.idle();
    expect([a, b, c].map((x) => stateOf(bed, x.ghsa_id))).toEqual(["published", "published", "draft"]);
    // The run reads the repository's releases once and edits the release's notes once for both.
    const count = (method: string, route: string) =>
      bed.sim.requests.filter((r) => r.method === method && r.route === route).length;
    expect(count("GET", "/repos/{owner}/{repo}/releases")).toBe(1);
    expect(count("PATCH", "/repos/{owner}/{repo}/releases/{release_id}")).toBe(1);
    expect(count("GET", "/repos/{owner}/{repo}/security-advisories/{ghsa_id}")).toBe(0);

    const release = bed.sim.world.listReleases(ORG, "oras-go").find((r) => r.id === release_id);
    expect(release?.body).toContain("## Security advisories");
    expect(release?.body).toContain(a.ghsa_id);
    expect(release?.body).toContain(b.ghsa_id);
    expect(release?.body?.match(/## Security advisories/g)).toHaveLength(1);
    expect(trackingIssue(bed, a.ghsa_id)?.state).toBe("closed");
    expect(trackingIssue(bed, c.ghsa_id)?.state).toBe("open");

    // A sweep afterwards changes nothing published and annotates nothing twice.
    await bed.bot.sweepAll();
    expect(stateOf(bed, c.ghsa_id)).toBe("draft");
    expect(
      bed.sim.world
        .listReleases(ORG, "oras-go")
        .find((r) => r.id === release_id)
        ?.body?.split(`[${a.ghsa_id}](`),
    ).toHaveLength(2);
    expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
    expect(bed.sim.unknownRoutes).toEqual([]);
  });

  it("a prerelease of the patched version publishes nothing with the default configuration", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    await bed.bot.sweepAll();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1-rc.1", prerelease: true, author: "qweeah" });
    await bed.sim.idle();
    await bed.bot.sweepAll();
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
  });

  it("a release that fixes nothing costs one list request and writes nothing", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    draft(bed, "oras-go", "2.7.0");
    await bed.bot.sweepAll();
    await bed.sim.idle();
    bed.sim.resetRequests();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.2", author: "qweeah" });
    await bed.sim.idle();
    const api = bed.sim.requests.filter((r) => r.route !== "/app/installations/{installation_id}/access_tokens");
    expect(api.map((r) => `${r.method} ${r.route}`)).toEqual(["GET /repos/{owner}/{repo}/security-advisories"]);
  });

  it("a blocked advisory is not published, its tracking issue says why once, and it publishes after the description is fixed and the sweep runs", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1", "### Impact\nMemory exhaustion on crafted input.\n");
    await bed.bot.sweepAll();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
    const issue = trackingIssue(bed, a.ghsa_id)!;
    const notices = () =>
      bed.sim.world.listComments(ORG, TRACKER, issue.number).filter((c) => c.body.includes("cannot be published yet"));
    expect(notices()).toHaveLength(1);
    const notice = notices()[0]!.body;
    expect(notice).toMatch(/says too little about how the vulnerability works/);
    expect(notice).toMatch(/does not say how users get the fix/);
    // GitHub's own template, filled in for the fixing release, is the example of what to add
    expect(notice).toMatch(/GitHub's advisory template covers all of it/);
    expect(notice).toContain("### Patches\nFixed in 2.6.1. Users should upgrade to 2.6.1 or later.");
    expect(notice).toContain("@shizhMSFT"); // the patch team is mentioned (the author, as reporter, is not)
    expect(notice).not.toContain("Memory exhaustion");
    expect(trackingIssue(bed, a.ghsa_id)?.body).toMatch(/Blockers \| the description says too little/);

    await bed.bot.sweepAll(); // same day: the notice is not repeated
    expect(notices()).toHaveLength(1);

    await bed.sim.editAdvisoryByHand(ORG, "oras-go", a.ghsa_id, "qweeah", { description: COMPLETE });
    await bed.bot.sweepAll();
    expect(stateOf(bed, a.ghsa_id)).toBe("published");
    expect(trackingIssue(bed, a.ghsa_id)?.state).toBe("closed");
  });

  it("with waitFor: all, a fix on two branches publishes only after both releases", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1, 1.2.5");
    await bed.bot.sweepAll();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
    expect(trackingIssue(bed, a.ghsa_id)?.body).toContain("waiting for 1.2.5");
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v1.2.5", author: "qweeah" });
    await bed.sim.idle();
    expect(stateOf(bed, a.ghsa_id)).toBe("published");
  });

  it("a missed release webhook heals on the next sweep", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras", "1.3.1");
    await bed.bot.sweepAll();
    bed.sim.setWebhookTarget(null);
    await bed.sim.publishRelease(ORG, "oras", { tag_name: "v1.3.1", author: "qweeah" });
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
    await bed.bot.sweepAll();
    expect(stateOf(bed, a.ghsa_id)).toBe("published");
  });

  it("a release-notes edit GitHub refuses after publishing keeps the tracking issue open until a sweep adds the link", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    await bed.bot.sweepAll();
    // Refused on the first attempt and on each of Octokit's retries.
    bed.sim.failNext((r) => r.method === "PATCH" && /\/releases\/\d+$/.test(r.path), 4);
    const { release_id } = await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    const notes = () => bed.sim.world.listReleases(ORG, "oras-go").find((r) => r.id === release_id)?.body ?? "";
    expect(stateOf(bed, a.ghsa_id)).toBe("published");
    expect(notes()).not.toContain(a.ghsa_id);
    expect(trackingIssue(bed, a.ghsa_id)?.state).toBe("open");

    await bed.bot.sweepAll();
    expect(notes().split(`[${a.ghsa_id}](`)).toHaveLength(2);
    expect(trackingIssue(bed, a.ghsa_id)?.state).toBe("closed");
    expect(trackingIssue(bed, a.ghsa_id)?.state_reason).toBe("completed");

    // Once closed, the case is done: another sweep edits nothing.
    bed.sim.resetRequests();
    await bed.bot.sweepAll();
    expect(bed.sim.requests.filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("a draft found blocked before it is tracked: the new tracking issue gets the notice once, then records it", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    const a = draft(bed, "oras-go", "2.6.1", "### Impact\nMemory exhaustion on crafted input.\n");
    await bed.bot.sweepAll();
    await bed.bot.sweepAll();
    const issue = trackingIssue(bed, a.ghsa_id)!;
    const notices = bed.sim.world
      .listComments(ORG, TRACKER, issue.number)
      .filter((c) => c.body.includes("cannot be published yet"));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body).toContain(`<!-- oras-advisory-bot:notice blocked:${a.ghsa_id}:v2.6.1 -->`);
    expect(stateIn(issue.body)?.notices).toContain(`blocked:${a.ghsa_id}:v2.6.1`);
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
  });
});
