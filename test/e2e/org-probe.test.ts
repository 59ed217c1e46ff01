/**
 * The sweep's change probes (`src/github/org-probe.ts`): an idle sweep reuses the last sweep's read of
 * the org instead of sending the org query again; any change the probes can see — a push, an archive,
 * a new repository, a security team's members — makes the next sweep read the org whole and act on it,
 * and after the full-read interval the org is read whole whatever the probes say. Changes are made
 * with their webhooks lost, so that only the sweep can see them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BED_SECRET, type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, OWNERS_ORAS_GO, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";

const sorted = (xs: readonly string[]) => [...xs].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));

function orgQueries(bed: Bed): number {
  return bed.sim.requests.filter((r) => r.method === "POST" && r.route === "/graphql").length;
}

function probeLines(bed: Bed): string[] {
  return bed.sim.requests
    .filter((r) => r.route === "/orgs/{org}/repos" || r.route === "/orgs/{org}/teams/{team_slug}/members")
    .map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()} ${r.status}`);
}

function collaborators(bed: Bed, ghsa: string): string[] {
  return sorted(bed.sim.world.getAdvisory(ghsa)?.collaborating_users ?? []);
}

async function sweep(bed: Bed): Promise<void> {
  bed.sim.resetRequests();
  await bed.bot.sweepAll();
  await bed.sim.idle();
  expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
  expect(bed.sim.unknownRoutes).toEqual([]);
}

/** Runs `change` with the simulator's webhooks lost: only a sweep can see what it did. */
async function behindTheAppsBack(bed: Bed, change: () => Promise<unknown> | unknown): Promise<void> {
  bed.sim.setWebhookTarget(null);
  try {
    await change();
  } finally {
    bed.sim.setWebhookTarget({ url: `${bed.appUrl}/api/github/webhooks`, secret: BED_SECRET });
  }
}

/** The ORAS org with one draft in oras-go, staffed, and a sweep since that changed nothing. */
async function quietOras(): Promise<{ bed: Bed; ghsa: string }> {
  const bed = await startBed();
  seedOras(bed.sim);
  const ghsa = bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
    summary: "A flaw",
    description: "### Impact\nSomething bad.\n",
    severity: "high",
    vulnerabilities: [],
  }).ghsa_id;
  await bed.sim.idle();
  for (let i = 0; i < 3; i++) {
    bed.sim.tick();
    await bed.bot.sweepAll();
    await bed.sim.idle();
  }
  return { bed, ghsa };
}

describe("the sweep's change probes: the org query only when something changed", () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it("an idle sweep reuses the last read with only the probes, all answered 304", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    await sweep(bed);
    expect(orgQueries(bed)).toBe(0);
    expect(probeLines(bed)).toEqual([
      `GET /orgs/${ORG}/repos?sort=pushed&direction=desc&per_page=1 304`,
      `GET /orgs/${ORG}/repos?sort=updated&direction=desc&per_page=1 304`,
      `GET /orgs/${ORG}/teams/security/members?per_page=100 304`,
    ]);
    expect(bed.sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(bed.sim.requests.filter((r) => r.status !== 304).map((r) => r.route)).toEqual(["/app/installations"]);
  });

  it("a push to a roster file makes the next sweep read the org and re-staff", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    const b = bed;
    bed.sim.world.createUser("newmaintainer");
    expect(collaborators(bed, quiet.ghsa)).not.toContain("newmaintainer");
    await behindTheAppsBack(bed, () =>
      b.sim.push(ORG, "oras-go", {
        pusher: "shizhMSFT",
        message: "Add a maintainer",
        files: { "OWNERS.md": OWNERS_ORAS_GO.replace("Owners:\n", "Owners:\n  - New (@newmaintainer)\n") },
      }),
    );
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
    expect(collaborators(bed, quiet.ghsa)).toContain("newmaintainer");
    // The new read is kept: the sweep after it is idle again.
    await sweep(bed);
    expect(orgQueries(bed)).toBe(0);
  });

  it("archiving a repository makes the next sweep read the org", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    const b = bed;
    await behindTheAppsBack(bed, () => b.sim.archive(ORG, "oras-go"));
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
    await sweep(bed);
    expect(orgQueries(bed)).toBe(0);
  });

  it("a visibility change (updated_at) makes the next sweep read the org", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    const repo = bed.sim.world.repo(ORG, "artifacts-spec");
    repo.visibility = "private";
    repo.private = true;
    repo.updated_at = bed.sim.world.stamp();
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
  });

  it("a new repository makes the next sweep read the org", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    bed.sim.world.createRepo(ORG, { name: "oras-new", files: { "OWNERS.md": "Owners:\n  - (@qweeah)\n" } });
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
  });

  it("a security team member added, then removed, makes the next sweep read the org and re-staff", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    const b = bed;
    b.sim.world.createUser("newsecurity");
    b.sim.world.addOrgMember(ORG, "newsecurity");
    expect(collaborators(bed, quiet.ghsa)).not.toContain("newsecurity");
    await behindTheAppsBack(bed, () => b.sim.addTeamMember(ORG, "security", "newsecurity"));
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
    expect(collaborators(bed, quiet.ghsa)).toContain("newsecurity");
    await sweep(bed);
    expect(orgQueries(bed)).toBe(0);
    await behindTheAppsBack(bed, () => b.sim.removeTeamMember(ORG, "security", "newsecurity"));
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
    expect(collaborators(bed, quiet.ghsa)).not.toContain("newsecurity");
  });

  it("a security team of 100 members or more is not probed: every sweep reads the org", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    for (let i = 0; i < 100; i++) bed.sim.world.setTeamMember(ORG, "security", `sec-${i}`);
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
  });

  it("after the full-read interval the org is read whole though the probes saw no change", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    bed.clock.advance(59 * 60_000);
    await sweep(bed);
    expect(orgQueries(bed)).toBe(0);
    bed.clock.advance(2 * 60_000);
    await sweep(bed);
    expect(orgQueries(bed)).toBeGreaterThan(0);
    expect(probeLines(bed).every((l) => l.endsWith(" 304"))).toBe(true);
  });

  it("a command reads the org fresh: what the probes cannot see, a command sees at once", async () => {
    const quiet = await quietOras();
    bed = quiet.bed;
    // A roster changed without a push (GitHub never does this): invisible to the probes...
    bed.sim.world.createUser("silent");
    const repo = bed.sim.world.repo(ORG, "oras-go");
    repo.files.set("OWNERS.md", OWNERS_ORAS_GO.replace("Owners:\n", "Owners:\n  - Silent (@silent)\n"));
    await sweep(bed);
    expect(orgQueries(bed)).toBe(0);
    expect(collaborators(bed, quiet.ghsa)).not.toContain("silent");
    // ...but a command, which authorizes from the org it reads, reads it whole.
    const issue = bed.sim.world
      .listIssues(ORG, TRACKER)
      .find((i) => i.labels.includes("advisory") && (i.body ?? "").includes(quiet.ghsa));
    expect(issue).toBeDefined();
    bed.sim.resetRequests();
    await bed.sim.comment(ORG, TRACKER, issue!.number, "shizhMSFT", "/advisory sync");
    await bed.sim.idle();
    expect(orgQueries(bed)).toBeGreaterThan(0);
    expect(collaborators(bed, quiet.ghsa)).toContain("silent");
  });
});
