import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { checkReporting } from "../../src/doctor/checks.js";
import { main } from "../../src/doctor/cli.js";
import { type DoctorReport, type Finding, parseManifest, renderTable, runDoctor } from "../../src/doctor/index.js";
import { appOctokit } from "../../src/github/octokit.js";
import { createSimulator, DEFAULT_PERMISSIONS, type Simulator } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";

// A throwaway key made at test time; the simulator accepts any App JWT, the doctor signs a real one.
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

// The app's own Octokit class, as the command line uses it; only its waits are shortened.
const Octokit = appOctokit({ secondMs: 1 });

const failures = (report: DoctorReport): Finding[] => report.findings.filter((f) => f.status === "fail");

describe("doctor against the simulator", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  const doctor = () => runDoctor({ appId: sim.world.app.id, privateKey, baseUrl: sim.url, Octokit });

  it("finds nothing to fix in a healthy org, and only reads", async () => {
    sim = await createSimulator({ seed: 11 });
    seedOras(sim);
    const report = await doctor();

    expect(report.ok).toBe(true);
    expect(report.findings.filter((f) => f.status !== "ok")).toEqual([]);
    expect(report.findings.map((f) => f.check)).toEqual([
      "authentication",
      "installation",
      "permissions",
      "events",
      "config",
      "tracker",
      "security team",
      "rosters",
      "private reporting",
      "package oras",
      "package oras-go",
    ]);
    expect(report.installations).toBe(1);
    expect(sim.unknownRoutes).toEqual([]);
    const writes = sim.requests.filter(
      (r) => r.method !== "GET" && r.path !== "/graphql" && !r.path.endsWith("/access_tokens"),
    );
    expect(writes).toEqual([]);
  });

  it("names a permission the installation lacks, with the reason from app.yml", async () => {
    sim = await createSimulator({ seed: 12 });
    const { administration: _, ...withoutAdministration } = DEFAULT_PERMISSIONS;
    seedOras(sim, { permissions: withoutAdministration });
    const report = await doctor();

    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([
      expect.objectContaining({
        org: ORG,
        check: "permission administration",
        detail: expect.stringMatching(/granted none, needed write: Create the advisory's temporary private fork/),
        fix: expect.stringContaining("administration: write"),
      }),
    ]);
    expect(renderTable(report)).toMatch(/permission administration\s+│ ✗/);
  });

  it("refuses a public tracker repository", async () => {
    sim = await createSimulator({ seed: 13 });
    seedOras(sim);
    const tracker = sim.world.repo(ORG, TRACKER);
    tracker.private = false;
    tracker.visibility = "public";
    const report = await doctor();

    expect(failures(report)).toEqual([
      expect.objectContaining({
        check: "tracker",
        detail: expect.stringContaining(`${ORG}/${TRACKER} is public`),
      }),
    ]);
  });

  it("reports an emeritus owner a derived CODEOWNERS still lists, and a roster line it cannot read", async () => {
    sim = await createSimulator({ seed: 15 });
    seedOras(sim);
    const go = sim.world.repo(ORG, "oras-go");
    go.files.set("CODEOWNERS", "# Derived from OWNERS.md\n* @shizhMSFT @qweeah @Wwwsylvia @deitch\n");
    go.files.set("MAINTAINERS.md", "Maintainers:\n- Nameless Person\n");
    const report = await doctor();

    const rosters = report.findings.filter((f) => f.check === "roster warnings");
    expect(rosters).toEqual([
      expect.objectContaining({
        status: "warn",
        detail: expect.stringContaining(
          "oras-go/CODEOWNERS:2 @deitch is listed as active here but as emeritus in OWNERS.md:11; treated as emeritus",
        ),
      }),
    ]);
    expect(rosters[0]?.detail).toContain("oras-go/MAINTAINERS.md:2 list entry without an @handle");
  });

  it("reports an invalid configuration with its path and the repositories it skips", async () => {
    sim = await createSimulator({ seed: 14 });
    seedOras(sim, { config: "tracker:\n  repo: security-response\npublish:\n  waitFor: sometimes\n" });
    const report = await doctor();

    const config = failures(report).filter((f) => f.check === "config");
    expect(config).toHaveLength(1);
    expect(config[0]?.detail).toMatch(/publish\.waitFor → /);
    expect(config[0]?.detail).toContain(`${ORG}/.github:.github/advisory-bot.yml`);
    expect(config[0]?.detail).toContain("oras-go");
  });

  it("reports a missing security team and repositories without private vulnerability reporting", async () => {
    sim = await createSimulator({ seed: 15 });
    seedOras(sim, { config: "securityTeam:\n  team: psirt\ntracker:\n  repo: security-response\n" });
    sim.world.repo(ORG, "oras").privateVulnerabilityReporting = false;
    const report = await doctor();

    expect(failures(report).map((f) => [f.check, f.detail])).toEqual([
      ["security team", expect.stringContaining(`team @${ORG}/psirt`)],
      ["private reporting", expect.stringContaining("off in oras:")],
    ]);
  });

  it("CLI: --json prints the report and exits 1 when something must be fixed", async () => {
    sim = await createSimulator({ seed: 16 });
    const { members: _, ...withoutMembers } = DEFAULT_PERMISSIONS;
    seedOras(sim, { permissions: withoutMembers });
    let out = "";
    const code = await main(["--json", "--base-url", sim.url], {
      env: { APP_ID: String(sim.world.app.id), PRIVATE_KEY: privateKey.replace(/\n/g, "\\n") },
      stdout: (t) => {
        out += t;
      },
      stderr: () => undefined,
    });
    expect(code).toBe(1);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.counts.fail).toBe(1);
    expect(failures(report)[0]?.check).toBe("permission members");
    expect(out).not.toContain("PRIVATE KEY");
  });
});

describe("doctor without a simulator", () => {
  it("reports a GitHub it cannot reach as an authentication failure", async () => {
    const report = await runDoctor({ appId: 1, privateKey, baseUrl: "http://127.0.0.1:9", Octokit });
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([expect.objectContaining({ org: "(app)", check: "authentication" })]);
  });

  it("CLI: --help works without credentials; missing credentials are a usage error", async () => {
    let out = "";
    let err = "";
    const io = {
      env: {},
      stdout: (t: string) => {
        out += t;
      },
      stderr: (t: string) => {
        err += t;
      },
    };
    expect(await main(["--help"], io)).toBe(0);
    expect(out).toMatch(/^Usage: doctor/);
    expect(await main([], io)).toBe(2);
    expect(err).toContain("APP_ID");
  });

  it("treats a check GitHub cannot answer as unknown, not as a failure", () => {
    const findings = checkReporting(ORG, [
      { repo: "oras", enabled: true },
      { repo: "oras-go", unknown: "GitHub answered 404" },
    ]);
    expect(findings).toEqual([expect.objectContaining({ status: "warn", detail: expect.stringContaining("oras-go") })]);
  });

  it("reads needed permissions, their reasons and events from app.yml", async () => {
    const { readManifest } = await import("../../src/doctor/manifest.js");
    const manifest = await readManifest();
    expect(manifest.permissions.map((p) => `${p.name}:${p.level}`)).toEqual(
      Object.entries(DEFAULT_PERMISSIONS).map(([k, v]) => `${k}:${v}`),
    );
    expect(manifest.permissions.every((p) => p.reason.length > 10)).toBe(true);
    expect(manifest.events.map((e) => e.name)).toContain("repository_advisory");
    expect(() => parseManifest("default_permissions:\n  issues: sometimes\ndefault_events: []\n")).toThrow(
      /issues must be read, write or admin/,
    );
  });
});
