import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";
import { stateIn } from "../helpers/world.js";

const REPORT = {
  reporter: "reporter1",
  summary: "Path traversal when extracting crafted artifacts",
  description: "### Impact\nA crafted manifest writes outside the target directory.\n",
  severity: "high" as const,
};

const ORAS_GO_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "Wwwsylvia"];

function trackingIssues(bed: Bed) {
  return bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory"));
}

/** Requests that change GitHub: everything but reads, token requests and GraphQL queries. */
function writes(bed: Bed) {
  return bed.sim.requests.filter(
    (r) =>
      r.method !== "GET" &&
      r.route !== "/app/installations/{installation_id}/access_tokens" &&
      !(r.path === "/graphql" && !/^\s*mutation/.test(r.graphql?.query ?? "")),
  );
}

describe("intake: a report becomes a tracked, staffed draft advisory with a private fork", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("one report → draft, staffed from the rosters, one fork request, one tracking issue; repeats write nothing", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    await bed.bot.sweepAll(); // the dashboard and the audit issue exist before the report
    bed.sim.resetRequests();
    const delivered = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    expect(delivered.status).toBe(200);
    await bed.sim.idle();

    const [advisory] = bed.sim.world.listAdvisories(ORG, "oras-go");
    expect(advisory?.state).toBe("draft");
    expect(advisory?.submission).toEqual({ accepted: true });
    expect(advisory?.collaborating_users.sort()).toEqual([...ORAS_GO_TEAM].sort());
    expect(advisory?.collaborating_users).not.toContain("deitch");

    const patches = bed.sim.requests.filter((r) => r.method === "PATCH" && r.route?.includes("security-advisories"));
    expect(patches).toHaveLength(1);
    expect(patches[0]?.body).toMatchObject({ state: "draft" });
    expect(bed.sim.requests.filter((r) => r.route?.endsWith("/forks"))).toHaveLength(1);
    // The event reads the advisory it names from GitHub, not every advisory of the org.
    const advisoryReads = bed.sim.requests
      .filter((r) => r.method === "GET" && r.route?.includes("security-advisories"))
      .map((r) => r.route);
    expect(advisoryReads).toEqual(["/repos/{owner}/{repo}/security-advisories/{ghsa_id}"]);

    const issues = trackingIssues(bed);
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.labels).toContain("advisory");
    expect(issue.body).toContain(advisory!.ghsa_id);
    expect(issue.body).toContain(`${ORG}/oras-go`);
    expect(stateIn(issue.body)?.advisories).toEqual([{ repo: `${ORG}/oras-go`, ghsa: advisory!.ghsa_id }]);

    // The same delivery again, then a sweep: nothing more to write.
    bed.sim.resetRequests();
    const again = await bed.sim.redeliver(delivered.id);
    expect(again.status).toBe(200);
    bed.sim.tick(); // GitHub has finished the fork meanwhile
    await bed.bot.sweepAll();
    await bed.sim.idle();
    // The fork appears after the request: the tracking checklist and the dashboard's fork column change once.
    const dashboard = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"));
    expect(
      writes(bed)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([issue.number, dashboard?.number].map((n) => `PATCH /repos/${ORG}/${TRACKER}/issues/${n}`).sort());
    bed.sim.resetRequests();
    await bed.bot.sweepAll();
    expect(writes(bed)).toEqual([]);
    expect(trackingIssues(bed)).toHaveLength(1);
    expect(bed.sim.requests.filter((r) => r.route?.endsWith("/forks"))).toHaveLength(0);
    expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
    expect(bed.sim.unknownRoutes).toEqual([]);
  });

  it("a draft created by hand (no webhook) is picked up by the next sweep", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const draft = bed.sim.createAdvisoryByHand(ORG, "oras", "qweeah", {
      summary: "Credential leak in debug output",
      description: "### Impact\nTokens are printed with --debug.\n",
      severity: "medium",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras" },
          vulnerable_version_range: "< 1.3.1",
          patched_versions: "1.3.1",
          vulnerable_functions: [],
        },
      ],
    });
    expect(trackingIssues(bed)).toHaveLength(0);
    const summary = await bed.bot.sweepAll();
    expect(summary.orgs[0]?.org).toBe(ORG);
    const issues = trackingIssues(bed);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.body).toContain(draft.ghsa_id);
    const staffed = bed.sim.world.getAdvisory(draft.ghsa_id);
    expect(staffed?.collaborating_users.sort()).toEqual(
      ["FeynmanZhou", "qweeah", "sajay", "shizhMSFT", "SteveLasker", "wangxiaoxuan273"].sort(),
    );
  });
});
