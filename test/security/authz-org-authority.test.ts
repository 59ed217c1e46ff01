/**
 * Issue 14 item 8: the security team, the tracker and the other authority keys come only from the
 * org-level configuration (the org's `.github` repository). A repository's own file cannot set them
 * (the doctor says so); when the org configuration is invalid, commands that need it are refused with
 * the configuration error — never a fallback to a repository's file.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AUTHORITY_KEYS, withOrgAuthority } from "../../src/config/authority.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { runDoctor } from "../../src/doctor/index.js";
import { parseReply } from "../../src/domain/command-reply.js";
import { appOctokit } from "../../src/github/octokit.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { createSimulator, type Simulator } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { ORAS_GO_UNVERSIONED, stateIn, trackingIssues } from "../helpers/world.js";

const CONFIG = ".github/advisory-bot.yml";
const ROGUE = `securityTeam:\n  members: [outsider]\ntracker:\n  repo: oras-go\n`;

describe("authority comes only from the org's .github configuration", () => {
  let bed: Bed | undefined;
  let sim: Simulator | undefined;
  afterEach(async () => {
    await bed?.close();
    await sim?.close();
    bed = undefined;
    sim = undefined;
  });

  it("is one rule over the set of authority keys", () => {
    expect(AUTHORITY_KEYS).toEqual(expect.arrayContaining(["securityTeam", "tracker"]));
    const org = {
      ok: true as const,
      config: { ...DEFAULT_CONFIG, securityTeam: { ...DEFAULT_CONFIG.securityTeam, members: ["alice"] } },
      files: [],
    };
    const repo = {
      ok: true as const,
      config: {
        ...DEFAULT_CONFIG,
        securityTeam: { ...DEFAULT_CONFIG.securityTeam, members: ["mallory"] },
        tracker: { repo: "elsewhere" },
        inactive: ["old"],
      },
      files: [`${ORG}/oras:${CONFIG}`],
    };
    const raw = [
      {
        owner: ORG,
        repo: "oras",
        path: CONFIG,
        config: { securityTeam: { members: ["mallory"] }, tracker: { repo: "elsewhere" }, inactive: ["old"] },
      },
    ];
    const merged = withOrgAuthority(repo, raw, org, `${ORG}/oras`);
    expect(merged.ok && merged.config.securityTeam.members).toEqual(["alice"]);
    expect(merged.ok && merged.config.tracker.repo).toBeUndefined();
    expect(merged.ok && merged.config.inactive).toEqual(["old"]); // the rest is the repository's to set
    expect(merged.ok && merged.ignored).toEqual([`${ORG}/oras:${CONFIG} sets securityTeam, tracker`]);
  });

  it("a repository's own file naming a stranger as security team changes nobody's rights", async () => {
    bed = await startBed({ seed: 81 });
    seedOras(bed.sim);
    bed.sim.world.repo(ORG, "oras-go").files.set(CONFIG, ROGUE);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal",
      description: "### Impact\nX.\n",
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(report.ghsa_id)?.collaborating_users).not.toContain("outsider");
    expect(bed.sim.world.getAdvisory(report.ghsa_id)?.collaborating_users).toContain("sajay");
    // Tracked in the org's tracker, not in the repository the file names.
    expect(trackingIssues(bed, report.ghsa_id)).toHaveLength(1);
    expect(bed.sim.world.listIssues(ORG, "oras-go")).toEqual([]);
    const issue = trackingIssues(bed, report.ghsa_id)[0]!.number;
    const sent = await bed.sim.comment(ORG, TRACKER, issue, "outsider", "/advisory hold mine now");
    await bed.sim.idle();
    const entry = [...bed.sim.world.comments.values()]
      .map((c) => parseReply(c.body))
      .find((m) => m?.commentId === sent.comment_id)?.entries[0];
    expect(entry?.message).toBe("Not allowed: @outsider is not on the security team.");
    expect(stateIn(trackingIssues(bed, report.ghsa_id)[0]!.body)?.hold).toBeNull();
  });

  it("with the org configuration broken, commands are refused with its error, not run under a repository's file", async () => {
    bed = await startBed({ seed: 82 });
    seedOras(bed.sim);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal",
      description: "### Impact\nX.\n",
      vulnerabilities: [ORAS_GO_UNVERSIONED],
    });
    await bed.sim.idle();
    const issue = trackingIssues(bed, report.ghsa_id)[0]!.number;
    bed.sim.world.repo(ORG, ".github").files.set(CONFIG, "publish:\n  waitFor: sometimes\n");
    bed.sim.world
      .repo(ORG, "oras-go")
      .files.set(CONFIG, `securityTeam:\n  members: [outsider]\ntracker:\n  repo: ${TRACKER}\n`);
    const sent = await bed.sim.comment(ORG, TRACKER, issue, "outsider", "/advisory hold mine now");
    await bed.sim.idle();
    const entry = [...bed.sim.world.comments.values()]
      .map((c) => parseReply(c.body))
      .find((m) => m?.commentId === sent.comment_id)?.entries[0];
    expect(entry?.ok).toBe(false);
    expect(entry?.message).toContain("publish.waitFor");
    expect(stateIn(trackingIssues(bed, report.ghsa_id)[0]!.body)?.hold).toBeNull();
  });

  it("the doctor names the authority keys a repository's file sets and says they are ignored", async () => {
    sim = await createSimulator({ seed: 83 });
    seedOras(sim);
    sim.world.repo(ORG, "oras-go").files.set(CONFIG, ROGUE);
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    }) as string;
    // The app's own Octokit class, as the command line uses it; only its waits are shortened.
    const Octokit = appOctokit({ secondMs: 1 });
    const report = await runDoctor({ appId: sim.world.app.id, privateKey, baseUrl: sim.url, Octokit });
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        check: "config",
        status: "warn",
        detail: expect.stringContaining(`${ORG}/oras-go:${CONFIG} sets securityTeam, tracker`),
      }),
    );
  });
});
