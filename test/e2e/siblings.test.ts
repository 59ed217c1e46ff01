import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, restartApp, startBed } from "../../src/sim/harness.js";
import { ORG, ORG_CONFIG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn } from "../helpers/world.js";

const COMPLETE = "### Impact\nCrafted manifests escape.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";

async function siblingPair(bed: Bed) {
  const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal shared by oras-go and oras",
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
  await bed.sim.idle();
  const issue = bed.sim.world
    .listIssues(ORG, TRACKER)
    .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === report.ghsa_id))!;
  const sent = await bed.sim.comment(ORG, TRACKER, issue.number, "sajay", "/advisory also-affects oras");
  await bed.sim.idle();
  const reply = bed.sim.world
    .listComments(ORG, TRACKER, issue.number)
    .find((c) => parseReply(c.body)?.commentId === sent.comment_id);
  expect(parseReply(reply?.body)?.entries[0]?.ok).toBe(true);
  const [cli] = bed.sim.world.listAdvisories(ORG, "oras");
  // The CLI's fix ships in v1.3.1, which bumps oras-go.
  await bed.sim.comment(ORG, TRACKER, issue.number, "sajay", `/advisory fixed-in 1.3.1`);
  await bed.sim.idle();
  return { go: report.ghsa_id, cli: cli!.ghsa_id, issue: issue.number };
}

describe("one vulnerability across several repositories", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("siblings are staffed from their own rosters, each with its own fork, listed on one tracking issue", async () => {
    bed = await startBed({ forkDelayReads: 0 });
    seedOras(bed.sim);
    const { go, cli, issue } = await siblingPair(bed);
    await bed.bot.sweepAll();
    const goTeam = bed.sim.world.getAdvisory(go)!.collaborating_users;
    const cliTeam = bed.sim.world.getAdvisory(cli)!.collaborating_users;
    expect(goTeam).toContain("Wwwsylvia"); // oras-go owner
    expect(cliTeam).not.toContain("Wwwsylvia");
    expect(cliTeam).toContain("SteveLasker"); // oras owner
    expect(bed.sim.world.getAdvisory(go)?.private_fork).toMatch(/oras-go-ghsa-/);
    expect(bed.sim.world.getAdvisory(cli)?.private_fork).toMatch(/\/oras-ghsa-|oras-ghsa-/);
    const state = stateIn(bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body);
    expect(state?.advisories.map((a) => a.ghsa)).toEqual([go, cli]);
    expect(bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory"))).toHaveLength(1);
  });

  it("with together: false each publishes on its own release", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { go, cli } = await siblingPair(bed);
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect([go, cli].map((g) => bed.sim.world.getAdvisory(g)?.state)).toEqual(["published", "draft"]);
    await bed.sim.publishRelease(ORG, "oras", { tag_name: "v1.3.1", author: "qweeah" });
    await bed.sim.idle();
    expect([go, cli].map((g) => bed.sim.world.getAdvisory(g)?.state)).toEqual(["published", "published"]);
  });

  it("with together: true the first release publishes nothing (a waiting note instead) and the second publishes both", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}publish:\n  together: true\n` });
    const { go, cli, issue } = await siblingPair(bed);
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect([go, cli].map((g) => bed.sim.world.getAdvisory(g)?.state)).toEqual(["draft", "draft"]);
    const body = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body ?? "";
    expect(body).toContain(`waiting for ${cli} in ${ORG}/oras (publish.together)`);
    await bed.sim.publishRelease(ORG, "oras", { tag_name: "v1.3.1", author: "qweeah" });
    await bed.sim.idle();
    expect([go, cli].map((g) => bed.sim.world.getAdvisory(g)?.state)).toEqual(["published", "published"]);
  });

  it("the link survives a restart: a new instance, with no memory, publishes both together", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}publish:\n  together: true\n` });
    const { go, cli, issue } = await siblingPair(bed);
    await restartApp(bed);
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect([go, cli].map((g) => bed.sim.world.getAdvisory(g)?.state)).toEqual(["draft", "draft"]);
    await restartApp(bed);
    await bed.sim.publishRelease(ORG, "oras", { tag_name: "v1.3.1", author: "qweeah" });
    await bed.sim.idle();
    expect([go, cli].map((g) => bed.sim.world.getAdvisory(g)?.state)).toEqual(["published", "published"]);
    const tracking = bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory"));
    expect(tracking.map((i) => [i.number, i.state])).toEqual([[issue, "closed"]]);
  });
});
