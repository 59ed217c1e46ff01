/**
 * Issue 14 item 9: a tracker repository with `visibility: internal` is readable by every member of the
 * enterprise, so it cannot hold embargoed tracking issues. The app opens no tracking issue there and
 * says why; `npm run doctor` fails the tracker check.
 */
import { generateKeyPairSync } from "node:crypto";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/doctor/index.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { createSimulator, type Simulator } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { ORAS_GO_UNVERSIONED } from "../helpers/world.js";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { ...(o.throttle as object), enabled: false },
}));

function makeInternal(sim: Simulator): void {
  const tracker = sim.world.repo(ORG, TRACKER);
  tracker.private = true; // GitHub's REST `private` is true for internal repositories too
  tracker.visibility = "internal";
}

describe("an internal tracker repository is refused", () => {
  let bed: Bed | undefined;
  let sim: Simulator | undefined;
  afterEach(async () => {
    await bed?.close();
    await sim?.close();
    bed = undefined;
    sim = undefined;
  });

  it("the app writes no tracking issue into it", async () => {
    bed = await startBed({ seed: 91 });
    seedOras(bed.sim);
    makeInternal(bed.sim);
    await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Embargoed flaw",
      description: "### Impact\nSecret details.\n",
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    const writes = bed.sim.requests.filter((r) => r.method !== "GET" && r.path.includes(`/repos/${ORG}/${TRACKER}/`));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(bed.sim.world.listIssues(ORG, TRACKER)).toEqual([]);
  });

  it("the doctor fails the tracker check", async () => {
    sim = await createSimulator({ seed: 92 });
    seedOras(sim);
    makeInternal(sim);
    const report = await runDoctor({ appId: sim.world.app.id, privateKey, baseUrl: sim.url, Octokit });
    expect(report.findings.filter((f) => f.status === "fail")).toEqual([
      expect.objectContaining({
        check: "tracker",
        detail: expect.stringContaining(`${ORG}/${TRACKER} is internal`),
      }),
    ]);
  });
});
