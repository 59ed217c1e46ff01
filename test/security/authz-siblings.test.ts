/**
 * Issue 14 item 3: a verb acting on several sibling advisories is authorized per advisory. A
 * maintainer of `oras` only (on the `oras` advisory's patch team, not on the `oras-go` one's) changes
 * the `oras` advisory and nothing of the `oras-go` sibling; the reply says, per advisory, what was
 * done and what was refused and why.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn } from "../helpers/world.js";

const COMPLETE = "### Impact\nCrafted manifests escape.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";

describe("sibling advisories are authorized one by one", () => {
  let bed: Bed;
  let go: string;
  let cli: string;
  let issue: number;

  beforeAll(async () => {
    bed = await startBed({ seed: 73 });
    seedOras(bed.sim);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal shared by oras-go and oras",
      description: COMPLETE,
      severity: "high",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: null,
          patched_versions: null,
          vulnerable_functions: [],
        },
      ],
    });
    await bed.sim.idle();
    go = report.ghsa_id;
    issue = bed.sim.world
      .listIssues(ORG, TRACKER)
      .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === go))!.number;
    await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory also-affects oras");
    await bed.sim.idle();
    cli = bed.sim.world.listAdvisories(ORG, "oras")[0]!.ghsa_id;
  });
  afterAll(async () => {
    await bed.close();
  });

  async function run(user: string, body: string) {
    const sent = await bed.sim.comment(ORG, TRACKER, issue, user, body);
    await bed.sim.idle();
    return [...bed.sim.world.comments.values()]
      .map((c) => parseReply(c.body))
      .find((m) => m?.commentId === sent.comment_id)?.entries;
  }

  it("the two advisories have different patch teams", () => {
    expect(bed.sim.world.getAdvisory(cli)?.collaborating_users).toContain("SteveLasker");
    expect(bed.sim.world.getAdvisory(go)?.collaborating_users).not.toContain("SteveLasker");
  });

  it("an oras-only maintainer's severity, credit and fixed-in change the oras advisory only", async () => {
    const before = structuredClone(bed.sim.world.getAdvisory(go));
    const entries = await run(
      "SteveLasker",
      [
        "/advisory severity critical",
        "/advisory credit @reporter1 finder",
        "/advisory fixed-in 1.3.1",
        "/advisory fork",
      ].join("\n"),
    );
    expect(bed.sim.world.getAdvisory(cli)?.severity).toBe("critical");
    expect(bed.sim.world.getAdvisory(cli)?.vulnerabilities[0]?.patched_versions).toBe("1.3.1");
    const after = bed.sim.world.getAdvisory(go);
    expect(after?.severity).toBe(before?.severity);
    expect(after?.vulnerabilities).toEqual(before?.vulnerabilities);
    expect(after?.credits).toEqual(before?.credits);
    expect(entries).toHaveLength(4);
    for (const e of entries!.slice(0, 3)) {
      expect(e.message).toContain(`${cli} (${ORG}/oras): done`);
      expect(e.message).toContain(`${go} (${ORG}/oras-go): refused — @SteveLasker is not on its patch team`);
    }
  });

  it("someone on neither patch team is refused outright", async () => {
    const entries = await run("outsider", "/advisory severity low");
    expect(entries?.[0]).toMatchObject({ ok: false });
    expect(entries?.[0]?.message).toMatch(/^Not allowed: @outsider/);
    expect(bed.sim.world.getAdvisory(cli)?.severity).toBe("critical");
  });
});
