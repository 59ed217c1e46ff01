import { afterEach, describe, expect, it } from "vitest";
import { CODEOWNERS_ORAS_GO_AFTER, OWNERS_ORAS_GO_AFTER, writeRequests } from "../../src/sim/demo.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import type { RecordedRequest } from "../../src/sim/index.js";
import { MAINTAINERS_ORAS, ORG, ORG_CONFIG, OWNERS_ORAS_GO, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";

const sorted = (xs: readonly string[]) => [...xs].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));

const SECURITY = ["FeynmanZhou", "sajay", "shizhMSFT"];
const ORAS_GO_MAINTAINERS = ["qweeah", "shizhMSFT", "TerryHowe", "Wwwsylvia"];
const ORAS_MAINTAINERS = ["qweeah", "shizhMSFT", "SteveLasker", "wangxiaoxuan273"];
const team = (...groups: string[][]) => sorted([...new Set(groups.flat())]);

function collaborators(bed: Bed, ghsa: string): string[] {
  return sorted(bed.sim.world.getAdvisory(ghsa)?.collaborating_users ?? []);
}

function trackingIssue(bed: Bed, ghsa: string) {
  const issues = bed.sim.world
    .listIssues(ORG, TRACKER)
    .filter((i) => i.labels.includes("advisory") && (i.body ?? "").includes(ghsa));
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

function advisoryPatches(bed: Bed, ghsa?: string): RecordedRequest[] {
  return bed.sim.requests.filter(
    (r) =>
      r.method === "PATCH" &&
      r.route === "/repos/{owner}/{repo}/security-advisories/{ghsa_id}" &&
      (ghsa === undefined || r.path.endsWith(`/${ghsa}`)),
  );
}

function patchedUsers(r: RecordedRequest | undefined): string[] {
  return sorted((r?.body as { collaborating_users?: string[] } | undefined)?.collaborating_users ?? []);
}

async function report(bed: Bed, repo: string, reporter: string, summary: string): Promise<string> {
  const delivered = await bed.sim.reportVulnerability(ORG, repo, {
    reporter,
    summary,
    description: "### Impact\nSomething bad.\n",
    severity: "medium",
  });
  expect(delivered.status).toBe(200);
  await bed.sim.idle();
  return delivered.ghsa_id;
}

/** Lets pending forks appear and the sweep record them, so later steps start from a quiet org. */
async function settle(bed: Bed): Promise<void> {
  bed.sim.tick();
  await bed.bot.sweepAll();
  await bed.sim.idle();
  bed.sim.resetRequests();
}

function expectConformant(bed: Bed): void {
  expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
  expect(bed.sim.unknownRoutes).toEqual([]);
}

describe("patch team: an advisory's collaborators match the maintainers (PRODUCT §2)", () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it("staffs from OWNERS.md, MAINTAINERS.md and a drifting CODEOWNERS; emeritus people are never added for being maintainers", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    // deitch is emeritus of oras-go but an active maintainer of oras; oras also names a team in CODEOWNERS.
    const oras = bed.sim.world.repo(ORG, "oras");
    oras.files.set(
      "MAINTAINERS.md",
      MAINTAINERS_ORAS.replace("- Xiaoxuan Wang (@wangxiaoxuan273)\n", "$&- Avi Deitcher (@deitch)\n"),
    );
    oras.files.set(".github/CODEOWNERS", `* @${ORG}/cli-maintainers\n`);
    bed.sim.world.createTeam(ORG, "cli-maintainers", { members: ["TerryHowe"] });

    const goGhsa = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    const orasGhsa = await report(bed, "oras", "reporter2", "Credential leak in debug output");

    expect(collaborators(bed, goGhsa)).toEqual(team(ORAS_GO_MAINTAINERS, SECURITY, ["reporter1"]));
    expect(collaborators(bed, goGhsa)).not.toContain("deitch");
    expect(collaborators(bed, orasGhsa)).toEqual(team(ORAS_MAINTAINERS, SECURITY, ["reporter2", "deitch"]));
    expect(bed.sim.world.getAdvisory(orasGhsa)?.collaborating_teams).toEqual(["cli-maintainers"]);
    expect(bed.sim.world.getAdvisory(goGhsa)?.collaborating_teams).toEqual([]);
    // One PATCH each: acceptance and staffing together, with the full lists.
    expect(advisoryPatches(bed, goGhsa)).toHaveLength(1);
    expect(advisoryPatches(bed, orasGhsa)).toHaveLength(1);
    expect(advisoryPatches(bed, orasGhsa)[0]?.body).toMatchObject({
      state: "draft",
      collaborating_teams: ["cli-maintainers"],
    });

    await settle(bed);
    await bed.bot.sweepAll();
    expect(writeRequests(bed.sim.requests)).toEqual([]);
    expectConformant(bed);
  });

  it("a roster change on the default branch re-staffs every open advisory of the repo in one PATCH each; repeats and other pushes write nothing", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const first = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    const second = await report(bed, "oras-go", "reporter2", "Unbounded manifest read");
    const other = await report(bed, "oras", "reporter1", "Credential leak in debug output");
    await settle(bed);

    const files = { "OWNERS.md": OWNERS_ORAS_GO_AFTER, CODEOWNERS: CODEOWNERS_ORAS_GO_AFTER };
    const pushed = await bed.sim.push(ORG, "oras-go", { pusher: "shizhMSFT", files, message: "Roster change" });
    expect(pushed.status).toBe(200);
    await bed.sim.idle();

    const after = ["qweeah", "shizhMSFT", "TerryHowe", "wangxiaoxuan273"];
    expect(advisoryPatches(bed)).toHaveLength(2);
    for (const [ghsa, reporter] of [
      [first, "reporter1"],
      [second, "reporter2"],
    ] as const) {
      const patches = advisoryPatches(bed, ghsa);
      expect(patches).toHaveLength(1);
      // GitHub replaces the list: the PATCH carries the whole team, not the difference.
      expect(patchedUsers(patches[0])).toEqual(team(after, SECURITY, [reporter]));
      expect(collaborators(bed, ghsa)).toEqual(team(after, SECURITY, [reporter]));
      expect(collaborators(bed, ghsa)).not.toContain("Wwwsylvia");
      expect(trackingIssue(bed, ghsa).body).toContain("@wangxiaoxuan273");
    }
    expect(advisoryPatches(bed, other)).toEqual([]);
    expectConformant(bed);

    // The same push again: nothing to write.
    bed.sim.resetRequests();
    await bed.sim.push(ORG, "oras-go", { pusher: "shizhMSFT", files, message: "Roster change, again" });
    await bed.sim.idle();
    expect(writeRequests(bed.sim.requests)).toEqual([]);

    // A push that touches no roster file: nothing to write.
    await bed.sim.push(ORG, "oras-go", {
      pusher: "qweeah",
      files: { "README.md": "# oras-go\n" },
      message: "Docs",
    });
    await bed.sim.idle();
    expect(writeRequests(bed.sim.requests)).toEqual([]);

    // A roster change pushed to another branch: ignored. (The default branch's OWNERS.md is changed
    // behind the app's back, so a wrongly handled push would show as a write.)
    const goRepo = bed.sim.world.repo(ORG, "oras-go");
    goRepo.files.set("OWNERS.md", OWNERS_ORAS_GO_AFTER.replace("  - Billy Zha (@qweeah)\n", ""));
    goRepo.files.set("CODEOWNERS", CODEOWNERS_ORAS_GO_AFTER.replace(" @qweeah", ""));
    const lastPush = bed.sim.deliveries.filter((d) => d.event === "push").at(-1)!;
    const payload = structuredClone(lastPush.payload) as {
      ref: string;
      commits: Array<{ added: string[]; modified: string[]; removed: string[] }>;
      head_commit: { added: string[]; modified: string[]; removed: string[] } | null;
    };
    payload.ref = "refs/heads/release-2.6";
    for (const c of [...payload.commits, ...(payload.head_commit ? [payload.head_commit] : [])]) {
      c.added = [];
      c.modified = ["OWNERS.md", "CODEOWNERS"];
      c.removed = [];
    }
    const branchPush = await bed.sim.deliver("push", payload);
    expect(branchPush.status).toBe(200);
    await bed.sim.idle();
    expect(writeRequests(bed.sim.requests)).toEqual([]);
    expect(collaborators(bed, first)).toContain("qweeah");
    expectConformant(bed);

    // The change was real: the next sweep applies it and qweeah, no longer listed, leaves the team.
    await bed.bot.sweepAll();
    expect(collaborators(bed, first)).toEqual(
      team(["shizhMSFT", "TerryHowe", "wangxiaoxuan273"], SECURITY, ["reporter1"]),
    );
  });

  it("a push to a roster file the org configuration names re-staffs; once the org has been read, a push to another file reads nothing", async () => {
    bed = await startBed();
    seedOras(bed.sim, {
      config: `${ORG_CONFIG}maintainers:\n  files: [OWNERS.md, MAINTAINERS.md, CODEOWNERS, docs/TEAM.md]\n`,
    });
    const ghsa = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    await settle(bed);
    expect(collaborators(bed, ghsa)).not.toContain("SteveLasker");

    await bed.sim.push(ORG, "oras-go", {
      pusher: "shizhMSFT",
      files: { "docs/TEAM.md": "Owners:\n  - Steve Lasker (@SteveLasker)\n" },
      message: "Steve joins",
    });
    await bed.sim.idle();
    expect(advisoryPatches(bed, ghsa)).toHaveLength(1);
    expect(collaborators(bed, ghsa)).toContain("SteveLasker");

    // Any other file: decided from the roster files the configurations named, without reading them.
    bed.sim.resetRequests();
    await bed.sim.push(ORG, "oras-go", { pusher: "qweeah", files: { "README.md": "# oras-go\n" }, message: "Docs" });
    await bed.sim.idle();
    expect(bed.sim.requests.filter((r) => !r.path.endsWith("/access_tokens"))).toEqual([]);
    expectConformant(bed);
  });

  it("an archived repository's advisory is staffed by the security team and the reporter only, and the tracking issue says why", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const ghsa = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    await settle(bed);
    expect(collaborators(bed, ghsa)).toEqual(team(ORAS_GO_MAINTAINERS, SECURITY, ["reporter1"]));

    const archived = await bed.sim.archive(ORG, "oras-go", "sajay");
    expect(archived.status).toBe(200);
    await bed.sim.idle();

    expect(collaborators(bed, ghsa)).toEqual(team(SECURITY, ["reporter1"]));
    expect(advisoryPatches(bed, ghsa)).toHaveLength(1);
    const body = trackingIssue(bed, ghsa).body ?? "";
    expect(body).toMatch(/oras-go is archived/);
    expect(body).toMatch(/security team only/);
    expectConformant(bed);
  });

  it("a security-team change re-staffs every open advisory of the org", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const goGhsa = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    const orasGhsa = await report(bed, "oras", "reporter2", "Credential leak in debug output");
    // artifacts-spec is inactive: its advisory is staffed by the security team (and its author) only.
    const spec = bed.sim.createAdvisoryByHand(ORG, "artifacts-spec", "sajay", {
      summary: "Ambiguous digest algorithm",
      description: "### Impact\nTwo manifests share a digest.\n",
      severity: "low",
    });
    await settle(bed);
    expect(collaborators(bed, spec.ghsa_id)).toEqual(team(SECURITY));
    expect(trackingIssue(bed, spec.ghsa_id).body).toMatch(/artifacts-spec is listed as inactive/);

    const added = await bed.sim.addTeamMember(ORG, "security", "qweeah");
    expect(added.status).toBe(200);
    await bed.sim.idle();
    // qweeah already maintains oras-go and oras: only the artifacts-spec advisory changes.
    expect(advisoryPatches(bed).map((r) => r.path.split("/").at(-1))).toEqual([spec.ghsa_id]);
    expect(collaborators(bed, spec.ghsa_id)).toEqual(team(SECURITY, ["qweeah"]));

    bed.sim.resetRequests();
    const removed = await bed.sim.removeTeamMember(ORG, "security", "FeynmanZhou");
    expect(removed.status).toBe(200);
    await bed.sim.idle();
    expect(sorted(advisoryPatches(bed).map((r) => r.path.split("/").at(-1) ?? ""))).toEqual(
      sorted([goGhsa, orasGhsa, spec.ghsa_id]),
    );
    const security = ["qweeah", "sajay", "shizhMSFT"];
    expect(collaborators(bed, goGhsa)).toEqual(team(ORAS_GO_MAINTAINERS, security, ["reporter1"]));
    expect(collaborators(bed, orasGhsa)).toEqual(team(ORAS_MAINTAINERS, security, ["reporter2"]));
    expect(collaborators(bed, spec.ghsa_id)).toEqual(team(security));
    expectConformant(bed);
  });

  it("keeps and reports a collaborator added by hand (removeUnlisted: false)", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const ghsa = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    await settle(bed);
    const current = bed.sim.world.getAdvisory(ghsa)!.collaborating_users;
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "sajay", { collaborating_users: [...current, "outsider"] });

    await bed.bot.sweepAll();
    await bed.sim.idle();
    expect(collaborators(bed, ghsa)).toContain("outsider");
    expect(advisoryPatches(bed)).toEqual([]);
    expect(trackingIssue(bed, ghsa).body).toContain("@outsider");
    expectConformant(bed);
  });

  it("removes a collaborator added by hand with removeUnlisted: true, and never the reporter", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}patchTeam:\n  removeUnlisted: true\n` });
    const ghsa = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    await settle(bed);
    const current = bed.sim.world.getAdvisory(ghsa)!.collaborating_users;
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "sajay", { collaborating_users: [...current, "outsider"] });

    await bed.bot.sweepAll();
    await bed.sim.idle();
    const patches = advisoryPatches(bed, ghsa);
    expect(patches).toHaveLength(1);
    expect(patchedUsers(patches[0])).not.toContain("outsider");
    expect(patchedUsers(patches[0])).toContain("reporter1");
    expect(collaborators(bed, ghsa)).toEqual(team(ORAS_GO_MAINTAINERS, SECURITY, ["reporter1"]));
    expect(trackingIssue(bed, ghsa).body).toMatch(/Removed collaborators[^\n]*@outsider/);
    expectConformant(bed);
  });

  it("reports a PATCH GitHub refuses (422) on the tracking issue, and the other advisories proceed", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const goGhsa = await report(bed, "oras-go", "reporter1", "Path traversal in pull");
    const orasGhsa = await report(bed, "oras", "reporter2", "Credential leak in debug output");
    await settle(bed);

    // Roster edits whose pushes were missed (the pushes still show on the repositories' pushed_at):
    // oras-go names a login that does not exist on GitHub (GitHub answers 422 to the PATCH); oras gains a
    // real maintainer.
    const goRepo = bed.sim.world.repo(ORG, "oras-go");
    goRepo.files.set(
      "OWNERS.md",
      OWNERS_ORAS_GO.replace("Emeritus:", "  - Ghost (@ghost-maintainer-404)\n\nEmeritus:"),
    );
    goRepo.pushed_at = goRepo.updated_at = bed.sim.world.stamp();
    const orasRepo = bed.sim.world.repo(ORG, "oras");
    orasRepo.files.set(
      "MAINTAINERS.md",
      MAINTAINERS_ORAS.replace("- Billy Zha (@qweeah)\n", "$&- Terry Howe (@TerryHowe)\n"),
    );
    orasRepo.pushed_at = orasRepo.updated_at = bed.sim.world.stamp();

    const summary = await bed.bot.sweepAll();
    await bed.sim.idle();

    const refused = advisoryPatches(bed, goGhsa);
    expect(refused.map((r) => r.status)).toEqual([422]);
    expect(summary.orgs[0]?.problems.join("\n")).toMatch(/422/);
    expect(trackingIssue(bed, goGhsa).body).toMatch(/GitHub refused advisory\.update — 422: Validation Failed\./);
    expect(collaborators(bed, goGhsa)).toEqual(team(ORAS_GO_MAINTAINERS, SECURITY, ["reporter1"]));

    expect(advisoryPatches(bed, orasGhsa).map((r) => r.status)).toEqual([200]);
    expect(collaborators(bed, orasGhsa)).toEqual(team(ORAS_MAINTAINERS, SECURITY, ["reporter2", "TerryHowe"]));
    expectConformant(bed);
  });
});

describe("patch team at scale", () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it("reconciling an org of 50 repositories × 20 open advisories when nothing changed writes nothing and reads little", async () => {
    const BIG = "big-org";
    const REPOS = 50;
    const PER_REPO = 20;
    // Forks are off: 1000 fork requests would only lengthen the set-up; a quiet sweep reads the same.
    bed = await startBed({ forkDelayReads: 0 });
    const people = Array.from({ length: REPOS * 2 }, (_, i) => `maintainer-${i}`);
    bed.sim.world.seedOrg(BIG, {
      admins: ["lead"],
      members: people,
      repos: [
        ...Array.from({ length: REPOS }, (_, i) => ({
          name: `repo-${String(i).padStart(2, "0")}`,
          files: {
            "OWNERS.md": `# Owners\n\nOwners:\n  - @${people[2 * i]}\n  - @${people[2 * i + 1]}\n\nEmeritus:\n  - @lead\n`,
          },
        })),
        { name: "security-response", private: true },
        {
          name: ".github",
          files: {
            ".github/advisory-bot.yml":
              "securityTeam:\n  team: security\ntracker:\n  repo: security-response\nintake:\n  privateFork: false\n",
          },
        },
      ],
      teams: { security: ["lead", "maintainer-0"] },
      installation: {},
    });
    bed.sim.world.createUser("reporter1");
    for (let r = 0; r < REPOS; r++) {
      for (let n = 0; n < PER_REPO; n++) {
        bed.sim.world.createAdvisory(BIG, `repo-${String(r).padStart(2, "0")}`, "reporter1", {
          summary: `Advisory ${n} of repo ${r}`,
          description: "### Impact\nSomething.\n",
          vulnerabilities: [],
        });
      }
    }
    const advisories = REPOS * PER_REPO;

    // Staff everything once (and once more, so the dashboard settles), then measure a sweep with nothing to do.
    await bed.bot.sweepAll();
    await bed.sim.idle();
    await bed.bot.sweepAll();
    await bed.sim.idle();
    expect(bed.sim.world.listAdvisories(BIG).every((a) => a.collaborating_users.length >= 4)).toBe(true);
    bed.sim.resetRequests();

    const summary = await bed.bot.sweepAll();
    await bed.sim.idle();
    const requests = bed.sim.requests;
    const graphql = requests.filter((r) => r.path === "/graphql").length;
    const advisoryPages = requests.filter((r) => r.route === "/orgs/{org}/security-advisories").length;
    const issuePagesOf = (r: RecordedRequest) =>
      r.method === "GET" &&
      r.route === "/repos/{owner}/{repo}/issues" &&
      r.path === `/repos/${BIG}/security-response/issues`;
    const issuePages = requests.filter(issuePagesOf).length;
    const releasePages = requests.filter((r) => r.route === "/repos/{owner}/{repo}/releases").length;
    const otherReads = requests.filter(
      (r) =>
        r.method === "GET" &&
        r.route !== "/orgs/{org}/security-advisories" &&
        r.route !== "/repos/{owner}/{repo}/releases" &&
        !issuePagesOf(r),
    );
    const writes = writeRequests(requests);
    console.log(
      `[figures] ${REPOS} repos × ${PER_REPO} open advisories (${advisories}), nothing changed: ` +
        `${requests.length} requests — ${graphql} GraphQL, ${advisoryPages} advisory list pages, ` +
        `${issuePages} tracker issue list pages, ${releasePages} release list pages (publication catch-up), ` +
        `${otherReads.length} other reads (${[...new Set(otherReads.map((r) => r.route ?? r.path))].join(", ")}), ` +
        `${writes.length} writes, ${bed.sim.counts().notModified} answered 304; the sweep took ${summary.durationMs} ms`,
    );

    expect(writes).toEqual([]);
    expect(summary.orgs.find((o) => o.org === BIG)?.writes).toBe(0);
    // no org query: the change probes (top repository by pushed and by updated, the security team's
    // members; all 304) show nothing changed since the last sweep's read; lists sorted by updated end at
    // their unchanged first page
    expect(graphql).toBe(0);
    expect(advisoryPages).toBe(1);
    // one list of the tracker's issues: tracking issues, the dashboard and the audit issue
    expect(issuePages).toBe(1);
    // the idle sweep lists no releases: the org query reads them, the gate re-reads only when one fixes a draft
    expect(releasePages).toBe(0);
    // nothing else is read per advisory or per repository
    expect(otherReads.length).toBeLessThan(REPOS / 5);
    expect(bed.sim.unknownRoutes).toEqual([]);
  }, 120_000);
});
