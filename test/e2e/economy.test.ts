/**
 * Reads by what changed (docs/performance.md): an idle sweep reads the first page of each list and
 * stops there; what sorting cannot show — a tracking issue deleted or transferred away — is found by
 * the periodic full read.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";

const ADVISORY = "### Impact\nA crafted manifest writes outside the target directory.\n";

function routes(bed: Bed): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of bed.sim.requests) {
    if (r.route === "/app/installations/{installation_id}/access_tokens") continue;
    const key = `${r.method} ${r.route}${r.status === 304 ? " (304)" : ""}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function trackingIssues(bed: Bed, ghsa: string) {
  return bed.sim.world
    .listIssues(ORG, TRACKER)
    .filter((i) => i.labels.includes("advisory") && (i.body ?? "").includes(ghsa));
}

const COMPLETE = `### Impact
A crafted manifest makes the client write outside its target directory.

### Details
The path of each blob is joined without cleaning.

### Patches
Fixed in v2.6.1.

### Workarounds
None.
`;

function dashboard(bed: Bed) {
  return bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"));
}

async function sweep(bed: Bed): Promise<void> {
  await bed.bot.sweepAll();
  await bed.sim.idle();
}

describe("economy: lists are read down to what changed", () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it("an idle sweep costs the installations list, the change probes and one page of each list, and no org query", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal",
      description: ADVISORY,
      severity: "high",
    });
    await bed.sim.idle();
    bed.sim.tick();
    // Sweeps every 15 minutes, as the timer runs them: the dashboard settles once the report is in
    // its window (the simulator stamps the report a second ahead of the frozen clock).
    for (let i = 0; i < 3; i++) {
      bed.clock.advance(15 * 60_000);
      await sweep(bed);
    }
    bed.sim.resetRequests();
    bed.clock.advance(15 * 60_000);

    await sweep(bed);

    expect(routes(bed)).toEqual({
      "GET /app/installations": 1,
      // The top repository by pushed and by updated, the security team's members: unchanged since the
      // last sweep's org query, whose read is reused.
      "GET /orgs/{org}/repos (304)": 2,
      "GET /orgs/{org}/teams/{team_slug}/members (304)": 1,
      "GET /orgs/{org}/security-advisories (304)": 1,
      "GET /repos/{owner}/{repo}/issues (304)": 1,
    });
    expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
    expect(bed.sim.unknownRoutes).toEqual([]);
  });

  it("a listed handle that leaves the org is flagged by the audit from the org query alone, at the periodic whole read", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    await sweep(bed);
    await sweep(bed);
    const audit = () => bed!.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-audit"));
    const before = audit()?.body ?? "";
    // sajay is listed by handle in the org configuration (not on the GitHub team).
    expect(before).not.toContain("not a member of the organization");
    bed.sim.world.removeOrgMember(ORG, "sajay");
    bed.sim.resetRequests();

    // The change probes do not show org membership: the sweep reuses its last read of the org...
    await sweep(bed);
    expect(audit()?.body).not.toContain("not a member of the organization");
    // ...until the full-read interval (60 minutes by default) has passed: the org query is sent again.
    bed.clock.advance(61 * 60_000);
    await sweep(bed);

    expect(audit()?.state).toBe("open");
    expect(audit()?.body).toContain("not a member of the organization");
    expect(bed.sim.requests.filter((r) => r.route === "/orgs/{org}/members/{username}")).toHaveLength(0);
  });

  it("a tracking issue deleted or transferred away is not shown by sorting; the periodic full read finds it gone", async () => {
    bed = await startBed({ settings: { fullReadIntervalMinutes: 60 } });
    seedOras(bed.sim);
    bed.sim.world.createRepo(ORG, { name: "security-archive", private: true });
    // More than a page of other issues in the tracker, so that the tracking issues are not the whole list.
    for (let i = 0; i < 120; i++) bed.sim.world.createIssue(ORG, TRACKER, "sajay", { title: `chore ${i}` });
    const ghsas: string[] = [];
    for (const summary of ["First flaw", "Second flaw"]) {
      const r = await bed.sim.reportVulnerability(ORG, "oras-go", {
        reporter: "reporter1",
        summary,
        description: ADVISORY,
        severity: "high",
      });
      ghsas.push(r.ghsa_id);
      await bed.sim.idle();
    }
    const [deleted, moved] = ghsas as [string, string];
    bed.sim.tick();
    await sweep(bed);
    await sweep(bed);
    expect(trackingIssues(bed, deleted)).toHaveLength(1);
    expect(trackingIssues(bed, moved)).toHaveLength(1);

    // Someone deletes one tracking issue and transfers the other to another repository.
    const gone = trackingIssues(bed, deleted)[0]!;
    bed.sim.world.issues.delete(gone.id);
    bed.sim.world.transferIssue(trackingIssues(bed, moved)[0]!, bed.sim.world.repo(ORG, "security-archive"), false);
    // A newer issue lands on the first page: the first page changed, yet it cannot show what left the list.
    bed.sim.world.createIssue(ORG, TRACKER, "sajay", { title: "chore, newer" });

    bed.clock.advance(10 * 60_000);
    await sweep(bed);
    // The deletion is not seen yet (the run that reads the transferred issue's comments may see that one).
    expect(trackingIssues(bed, deleted)).toHaveLength(0);

    // The full read an hour after the last one sees the list as it is and tracks both advisories again.
    bed.clock.advance(55 * 60_000);
    bed.sim.resetRequests();
    await sweep(bed);
    expect(trackingIssues(bed, deleted)).toHaveLength(1);
    expect(trackingIssues(bed, moved)).toHaveLength(1);
    const issuePages = bed.sim.requests.filter((r) => r.method === "GET" && r.route === "/repos/{owner}/{repo}/issues");
    expect(issuePages.length).toBeGreaterThanOrEqual(2);
    expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
  });

  it("the dashboard follows a new report and a publication at once, and the next sweep has nothing left to write to it", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const fixed = bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
      summary: "Path traversal fixed in 2.6.1",
      description: COMPLETE,
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
    bed.sim.tick();
    await sweep(bed);
    await sweep(bed);
    expect(dashboard(bed)?.body).toContain(fixed.ghsa_id);

    // A report: its row is on the dashboard when the delivery is answered, without a sweep.
    const reported = await bed.sim.reportVulnerability(ORG, "oras", {
      reporter: "reporter1",
      summary: "Credentials in debug output",
      description: ADVISORY,
      severity: "medium",
    });
    await bed.sim.idle();
    expect(dashboard(bed)?.body).toContain(reported.ghsa_id);
    bed.sim.tick();
    await sweep(bed);

    // A release that fixes the draft: published, and gone from the dashboard's open advisories.
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(fixed.ghsa_id)?.state).toBe("published");
    expect(dashboard(bed)?.body).not.toContain(fixed.ghsa_id);
    expect(dashboard(bed)?.body).toContain(reported.ghsa_id);

    // The sweep after it reads everything and finds the dashboard as the event left it.
    const shown = dashboard(bed)?.body;
    bed.sim.resetRequests();
    await sweep(bed);
    expect(dashboard(bed)?.body).toBe(shown);
    expect(bed.sim.requests.filter((r) => r.method === "PATCH" && (r.route ?? "").includes("/issues/"))).toEqual([]);
  });
});
