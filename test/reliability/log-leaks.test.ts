/**
 * Leaks in logs: a whole lifecycle — reports, commands, a conversion, refusals, publication, and a
 * stretch of GitHub failing (errors carry requests and responses) — logged at `debug` in JSON through
 * the app's own redacting logger. The output never contains an advisory description, an installation
 * token, the webhook secret or the private key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BED_SECRET, type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { capturingLogger } from "../helpers/log.js";
import { BED_STATE_KEY, ORAS_GO_UNVERSIONED, stateIn } from "../helpers/world.js";

/** Distinctive text in every description, so that any fragment of one is recognisable in a log line. */
const CANARY = "ZEBRA-QUOKKA";

function description(n: number) {
  return `### Impact\n${CANARY}-${n} lets a crafted manifest escape.\n\n### Details\n${CANARY}-${n}-details.\n\n### Patches\n${CANARY}-${n}-patch.\n`;
}

describe("nothing secret or embargoed reaches the log", () => {
  let bed: Bed;
  let capture: Awaited<ReturnType<typeof capturingLogger>>;

  beforeAll(async () => {
    capture = await capturingLogger("debug");
    bed = await startBed({ seed: 41, log: capture.log });
    seedOras(bed.sim);
    await bed.bot.sweepAll();

    // Intake, staffing, commands, refusals.
    const first = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal in blob extraction",
      description: description(1),
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    const issue = bed.sim.world
      .listIssues(ORG, TRACKER)
      .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === first.ghsa_id))!.number;
    await bed.sim.comment(ORG, TRACKER, issue, "qweeah", "/advisory fixed-in 2.6.1\n/advisory severity high");
    await bed.sim.comment(ORG, TRACKER, issue, "outsider", "/advisory publish\n/advisory add @outsider");
    await bed.sim.comment(ORG, TRACKER, issue, "shizhMSFT", "/advisory publish");
    await bed.sim.idle();

    // A second one stays unpublished, blocked by an incomplete description.
    const second = await bed.sim.reportVulnerability(ORG, "oras", {
      reporter: "reporter2",
      summary: "Credential echo in debug output",
      description: `### Impact\n${CANARY}-2 prints the token.\n`,
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
    await bed.sim.idle();

    // A report pasted into the tracker, and a public one converted.
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "Emailed report", body: description(3) });
    await bed.sim.comment(ORG, TRACKER, pasted.number, "sajay", "/advisory create oras-go high");
    const leaked = await bed.sim.openIssue(ORG, "oras", "reporter2", {
      title: "Remote code execution via crafted config",
      body: description(4),
    });
    await bed.sim.comment(ORG, "oras", leaked.number, "SteveLasker", "/advisory convert");
    await bed.sim.idle();

    // GitHub fails for a while: errors carry request and response bodies with descriptions in them.
    bed.sim.setFaults({ rate: 0.5, kinds: ["5xx", "secondary-rate-limit"] });
    await bed.bot.sweepAll().catch(() => undefined);
    await bed.sim.publishRelease(ORG, "oras", { tag_name: "v1.3.1", author: "qweeah" });
    await bed.sim.editAdvisoryByHand(ORG, "oras", second.ghsa_id, "qweeah", { description: description(2) });
    await bed.bot.sweepAll().catch(() => undefined);
    await bed.sim.idle();
    bed.sim.setFaults(null);

    // Publication.
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.bot.sweepAll();
    await bed.sim.idle();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the JSON transform flushes asynchronously
  });

  afterAll(async () => {
    await bed.close();
  });

  it("the lifecycle ran and was logged at debug level", () => {
    const lines = capture.lines();
    expect(lines.length).toBeGreaterThan(100);
    const levels = new Set(lines.map((l) => (JSON.parse(l) as { level: number }).level));
    expect(levels.has(20)).toBe(true); // debug
    expect(levels.has(40) || levels.has(50)).toBe(true); // the failures were logged too
    expect(bed.sim.world.listAdvisories(ORG).filter((a) => a.state === "published").length).toBeGreaterThanOrEqual(1);
    expect(bed.sim.world.listAdvisories(ORG).filter((a) => a.state === "draft").length).toBeGreaterThanOrEqual(1);
    // The advisories really carried the canary, so its absence below means something.
    expect(bed.sim.world.listAdvisories(ORG).filter((a) => a.description?.includes(CANARY)).length).toBe(4);
  });

  it("no advisory description, in whole or in part", () => {
    const text = capture.text();
    expect(text.includes(CANARY), lineWith(text, CANARY)).toBe(false);
    for (const a of bed.sim.world.listAdvisories(ORG)) {
      if (a.description) expect(text.includes(a.description)).toBe(false);
    }
  });

  // Probot logs every request's parameters at debug level; the advisory fields among them are redacted.
  it("no summary of an unpublished advisory, even at debug level", () => {
    const unpublished = bed.sim.world
      .listAdvisories(ORG)
      .filter((a) => a.state !== "published")
      .map((a) => a.summary);
    expect(unpublished.length).toBeGreaterThanOrEqual(2);
    const text = capture.text();
    expect(text).toContain('"level":20'); // debug lines are there
    for (const summary of unpublished) expect(text.includes(summary), lineWith(text, summary)).toBe(false);
  });

  it("no installation token the simulator issued", () => {
    const tokens = bed.sim.requests
      .filter((r) => r.path.endsWith("/access_tokens") && r.status === 201)
      .map((r) => (r.response.body as { token?: string }).token)
      .filter((t): t is string => typeof t === "string");
    expect(tokens.length).toBeGreaterThan(0);
    const text = capture.text();
    for (const token of tokens) expect(text.includes(token), lineWith(text, token)).toBe(false);
  });

  it("no webhook secret and no private key", () => {
    const text = capture.text();
    expect(text.includes(BED_SECRET), lineWith(text, BED_SECRET)).toBe(false);
    expect(text.includes("PRIVATE KEY"), lineWith(text, "PRIVATE KEY")).toBe(false);
    // Nor the key that signs tracking states, in any of its printed forms.
    for (const form of [
      Buffer.from(BED_STATE_KEY).toString("hex"),
      Buffer.from(BED_STATE_KEY).toString("base64"),
      Buffer.from(BED_STATE_KEY).toString("base64url"),
    ])
      expect(text.includes(form), lineWith(text, form)).toBe(false);
    expect(text).not.toMatch(/MII[A-Za-z0-9+/]{40}/); // the start of a base64 DER key
  });
});

/** The first log line containing `needle`, for the failure message. */
function lineWith(text: string, needle: string): string {
  const line = text.split("\n").find((l) => l.includes(needle));
  return line ? `found in: ${line.slice(0, 400)}` : "";
}
