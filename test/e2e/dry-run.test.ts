import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { capturingLogger } from "../helpers/log.js";

describe("DRY_RUN=true", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("logs every write it would make for a report and a sweep, and makes none", async () => {
    const { log, lines } = await capturingLogger("info");
    bed = await startBed({ settings: { dryRun: true }, log });
    seedOras(bed.sim);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "s",
      description: "Embargoed details",
    });
    await bed.sim.idle();
    await bed.bot.sweepAll();
    const writes = bed.sim.requests.filter(
      (r) =>
        r.method !== "GET" &&
        r.route !== "/app/installations/{installation_id}/access_tokens" &&
        !(r.path === "/graphql" && !/^\s*mutation/.test(r.graphql?.query ?? "")),
    );
    expect(writes).toEqual([]);
    expect(bed.sim.world.getAdvisory(report.ghsa_id)?.state).toBe("triage");
    expect(bed.sim.world.listIssues(ORG, TRACKER)).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    const planned = lines()
      .map((l) => JSON.parse(l) as { dryRun?: boolean; op?: string; target?: string })
      .filter((l) => l.dryRun === true)
      .map((l) => `${l.op} ${l.target}`);
    expect(planned).toContain(`advisory.update ${ORG}/oras-go ${report.ghsa_id}`);
    expect(planned).toContain(`advisory.fork ${ORG}/oras-go ${report.ghsa_id}`);
    expect(planned).toContain(`issue.create ${ORG}/${TRACKER}`);
    expect(lines().join("\n")).not.toContain("Embargoed details");
  });
});
