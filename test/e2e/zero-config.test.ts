/**
 * An org that configures only its security team and its tracker: `create`, `convert` and
 * `also-affects` work for Go, .NET, Java and Python repositories laid out as oras-go, oras-dotnet,
 * oras-java and oras-py are (their real manifests, see test/fixtures/manifests/PROVENANCE.md), and the
 * draft names the package GitHub shows for them.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/doctor/index.js";
import { parseReply } from "../../src/domain/command-reply.js";
import { appOctokit } from "../../src/github/octokit.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import type { RecordedRequest } from "../../src/sim/index.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";
import { trackingStateOf } from "../helpers/world.js";

const ORG = "oras-project";
const TRACKER = "security-response";
const fixture = (name: string) => readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), "utf8");

// The app's own Octokit class, as the command line uses it; only its waits are shortened.
const DoctorOctokit = appOctokit({ secondMs: 1 });

const MINIMAL_CONFIG = `securityTeam:
  members: [sajay]
tracker:
  repo: ${TRACKER}
`;

const OWNERS = (handle: string) => `Owners:\n  - Someone (@${handle})\n`;

function seed(bed: Bed, extra: Array<{ name: string; files?: Record<string, string>; language?: string | null }> = []) {
  bed.sim.world.seedOrg(ORG, {
    admins: ["sajay"],
    members: ["shizhMSFT", "qweeah", "jonesbusy", "vsoch", "Wwwsylvia"],
    repos: [
      {
        name: "oras-go",
        language: "Go",
        files: {
          "go.mod": fixture("oras-go.v2.6.2.go.mod"),
          "OWNERS.md": OWNERS("shizhMSFT"),
          "content.go": "package oras\n",
          "registry/remote/repository.go": "package remote\n",
        },
      },
      {
        name: "oras",
        language: "Go",
        files: { "go.mod": "module oras.land/oras\n\ngo 1.25.0\n", "OWNERS.md": OWNERS("qweeah") },
      },
      {
        name: "oras-dotnet",
        language: "C#",
        files: {
          "OrasProject.Oras.sln": "Microsoft Visual Studio Solution File, Format Version 12.00\n",
          "Directory.Build.props": "<Project></Project>\n",
          "MAINTAINERS.md": "Maintainers:\n- Someone (@Wwwsylvia)\n",
          "src/OrasProject.Oras/OrasProject.Oras.csproj": fixture("oras-dotnet.OrasProject.Oras.csproj"),
          "src/OrasProject.Oras/Packer.cs": "namespace OrasProject.Oras;\n",
          "src/OrasProject.Oras/Content/Digest.cs": "namespace OrasProject.Oras.Content;\n",
          "tests/OrasProject.Oras.Tests/OrasProject.Oras.Tests.csproj": fixture(
            "oras-dotnet.OrasProject.Oras.Tests.csproj",
          ),
          "examples/OrasProject.Oras.Examples.Azure/OrasProject.Oras.Examples.Azure.csproj": fixture(
            "oras-dotnet.OrasProject.Oras.Examples.Azure.csproj",
          ),
        },
      },
      {
        name: "oras-java",
        language: "Java",
        files: {
          "pom.xml": fixture("oras-java.pom.xml"),
          "src/main/java/land/oras/Registry.java": "package land.oras;\n",
          "docker-credential-fake.go": "package main\n",
          "OWNERS.md": OWNERS("jonesbusy"),
        },
      },
      {
        name: "oras-py",
        language: "Python",
        files: {
          "pyproject.toml": fixture("oras-py.pyproject.toml"),
          "setup.cfg": fixture("oras-py.setup.cfg"),
          "setup.py": fixture("oras-py.setup.py"),
          "oras/__init__.py": "",
          "oras/version.py": 'NAME = "oras"\n',
          "examples/simple.py": "import oras\n",
          "OWNERS.md": OWNERS("vsoch"),
        },
      },
      ...extra,
      { name: TRACKER, private: true },
      { name: ".github", files: { ".github/advisory-bot.yml": MINIMAL_CONFIG } },
    ],
    installation: {},
  });
  for (const u of ["reporter1", "reporter2"]) bed.sim.world.createUser(u);
}

async function say(bed: Bed, repo: string, issue: number, user: string, body: string) {
  const sent = await bed.sim.comment(ORG, repo, issue, user, body);
  await bed.sim.idle();
  const repos = [repo, TRACKER];
  for (const r of repos) {
    for (const i of bed.sim.world.listIssues(ORG, r)) {
      const reply = bed.sim.world
        .listComments(ORG, r, i.number)
        .map((c) => parseReply(c.body))
        .find((m) => m?.commentId === sent.comment_id);
      if (reply) return reply.entries;
    }
  }
  return [];
}

const advisoryCreates = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === "POST" && r.route === "/repos/{owner}/{repo}/security-advisories");
const forkRequests = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === "POST" && r.route?.endsWith("/forks") === true);

describe("zero configuration: packages come from the repositories", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it.each([
    ["oras-go", { ecosystem: "go", name: "oras.land/oras-go/v2" }],
    ["oras-dotnet", { ecosystem: "nuget", name: "OrasProject.Oras" }],
    ["oras-java", { ecosystem: "maven", name: "land.oras:oras-java-sdk" }],
    ["oras-py", { ecosystem: "pip", name: "oras" }],
  ])("create in %s names the package its manifest states, with the fork in the same write", async (repo, pkg) => {
    bed = await startBed();
    seed(bed);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: `Flaw in ${repo}`, body: "Details." });
    bed.sim.resetRequests();
    const entries = await say(bed, TRACKER, pasted.number, "sajay", `/advisory create ${repo} high`);
    expect(entries[0]).toMatchObject({ ok: true });
    const [create] = advisoryCreates(bed.sim.requests);
    expect(create?.body).toMatchObject({
      vulnerabilities: [{ package: pkg }],
      start_private_fork: true,
      severity: "high",
    });
    expect(forkRequests(bed.sim.requests)).toEqual([]); // one write, not two
    const [draft] = bed.sim.world.listAdvisories(ORG, repo);
    expect(draft?.vulnerabilities[0]?.package).toEqual(pkg);
    expect(draft?.forkPending ?? draft?.private_fork).toBeTruthy();
    expect(formatViolations(checkConformance(bed.sim.requests))).toBe("");
  });

  it("the .NET project file is read once for the first command that needs it, never by a sweep", async () => {
    bed = await startBed();
    seed(bed);
    // A blob no other test has read: the cache is keyed by blob id, so a changed file is read afresh.
    const csproj = "src/OrasProject.Oras/OrasProject.Oras.csproj";
    const files = bed.sim.world.repo(ORG, "oras-dotnet").files;
    files.set(csproj, `${files.get(csproj)}<!-- read once -->\n`);
    const listedReads = () =>
      bed.sim.requests.filter((r) => /query ListedManifests/.test(r.graphql?.query ?? "")).length;
    await bed.bot.sweepAll();
    await bed.sim.idle();
    expect(listedReads()).toBe(0);
    const first = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "First", body: "Details." });
    const second = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "Second", body: "Details." });
    bed.sim.resetRequests();
    expect((await say(bed, TRACKER, first.number, "sajay", "/advisory create oras-dotnet"))[0]?.ok).toBe(true);
    expect(listedReads()).toBe(1);
    expect((await say(bed, TRACKER, second.number, "sajay", "/advisory create oras-dotnet"))[0]?.ok).toBe(true);
    expect(listedReads()).toBe(1);
    expect(bed.sim.world.listAdvisories(ORG, "oras-dotnet").map((a) => a.vulnerabilities[0]?.package.name)).toEqual([
      "OrasProject.Oras",
      "OrasProject.Oras",
    ]);
  });

  it("convert of a public report in oras-java moves it and drafts land.oras:oras-java-sdk", async () => {
    bed = await startBed();
    seed(bed);
    const leak = await bed.sim.openIssue(ORG, "oras-java", "reporter2", { title: "Auth bypass", body: "Steps." });
    const entries = await say(bed, "oras-java", leak.number, "jonesbusy", "/advisory convert");
    expect(entries[0]).toMatchObject({ ok: true });
    expect(bed.sim.world.listIssues(ORG, "oras-java").some((i) => i.title === "Auth bypass")).toBe(false);
    const [draft] = bed.sim.world.listAdvisories(ORG, "oras-java");
    expect(draft?.vulnerabilities[0]?.package).toEqual({ ecosystem: "maven", name: "land.oras:oras-java-sdk" });
    const moved = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.title === "Auth bypass");
    // A person opened the moved issue: its state lives in the app's own state comment.
    expect(trackingStateOf(bed, moved!.number)?.advisories[0]?.ghsa).toBe(draft?.ghsa_id);
  });

  it("also-affects from oras-go drafts siblings in oras-dotnet, oras-py and oras with their own packages", async () => {
    bed = await startBed();
    seed(bed);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "Shared flaw", body: "Details." });
    expect((await say(bed, TRACKER, pasted.number, "sajay", "/advisory create oras-go"))[0]?.ok).toBe(true);
    const entries = await say(
      bed,
      TRACKER,
      pasted.number,
      "sajay",
      "/advisory also-affects oras-dotnet\n/advisory also-affects oras-py\n/advisory also-affects oras",
    );
    expect(entries.map((e) => e.ok)).toEqual([true, true, true]);
    const pkg = (repo: string) => bed.sim.world.listAdvisories(ORG, repo)[0]?.vulnerabilities[0]?.package;
    expect(pkg("oras-dotnet")).toEqual({ ecosystem: "nuget", name: "OrasProject.Oras" });
    expect(pkg("oras-py")).toEqual({ ecosystem: "pip", name: "oras" });
    expect(pkg("oras")).toEqual({ ecosystem: "go", name: "oras.land/oras" });
    const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === pasted.number);
    expect(trackingStateOf(bed, issue!.number)?.advisories.map((a) => a.repo)).toEqual([
      `${ORG}/oras-go`,
      `${ORG}/oras-dotnet`,
      `${ORG}/oras-py`,
      `${ORG}/oras`,
    ]);
  });

  it("a sibling in a repository with no manifest takes the ecosystem of the advisory it is made from", async () => {
    bed = await startBed();
    seed(bed, [{ name: "oras-plugins", files: { "OWNERS.md": OWNERS("qweeah"), "README.md": "plugins\n" } }]);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "Shared flaw", body: "Details." });
    await say(bed, TRACKER, pasted.number, "sajay", "/advisory create oras-go");
    bed.sim.resetRequests();
    const entries = await say(bed, TRACKER, pasted.number, "sajay", "/advisory also-affects oras-plugins");
    expect(entries[0]?.ok).toBe(true);
    const [create] = advisoryCreates(bed.sim.requests);
    const body = create?.body as { vulnerabilities?: Array<{ package: unknown }> } | undefined;
    expect(body?.vulnerabilities?.map((v) => v.package)).toEqual([{ ecosystem: "go" }]);
  });

  it("with no manifest, GitHub's primary language gives the ecosystem and the name is omitted", async () => {
    bed = await startBed();
    seed(bed, [{ name: "oras-mcp", language: "TypeScript", files: { "index.ts": "export {};\n" } }]);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "MCP flaw", body: "Details." });
    expect((await say(bed, TRACKER, pasted.number, "sajay", "/advisory create oras-mcp"))[0]?.ok).toBe(true);
    expect(bed.sim.world.listAdvisories(ORG, "oras-mcp")[0]?.vulnerabilities[0]?.package).toEqual({
      ecosystem: "npm",
      name: null,
    });
  });

  it("convert refuses before moving the issue when nothing tells the package", async () => {
    bed = await startBed();
    seed(bed, [{ name: "community", language: null, files: { "OWNERS.md": OWNERS("qweeah"), "README.md": "hi\n" } }]);
    const leak = await bed.sim.openIssue(ORG, "community", "reporter2", { title: "Leaky", body: "Secret." });
    bed.sim.resetRequests();
    const entries = await say(bed, "community", leak.number, "qweeah", "/advisory convert");
    expect(entries[0]?.ok).toBe(false); // the public reply does not say why
    // Nothing was written: the report is still where it was, nothing was transferred or created.
    expect(bed.sim.world.listIssues(ORG, "community").some((i) => i.title === "Leaky")).toBe(true);
    expect(bed.sim.requests.some((r) => /transferIssue/.test(r.graphql?.query ?? ""))).toBe(false);
    expect(advisoryCreates(bed.sim.requests)).toEqual([]);
  });

  it("create refuses, writing nothing, when nothing tells the package; the reply says what to set", async () => {
    bed = await startBed();
    seed(bed, [{ name: "community", language: null, files: { "OWNERS.md": OWNERS("qweeah") } }]);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "Flaw", body: "Details." });
    bed.sim.resetRequests();
    const entries = await say(bed, TRACKER, pasted.number, "sajay", "/advisory create community");
    expect(entries[0]?.ok).toBe(false);
    expect(entries[0]?.message).toContain("packages.community");
    expect(advisoryCreates(bed.sim.requests)).toEqual([]);
    const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === pasted.number);
    expect(issue?.labels).not.toContain("advisory");
  });

  it("intake.privateFork: false creates the draft without a fork", async () => {
    bed = await startBed();
    seed(bed);
    bed.sim.world
      .repo(ORG, ".github")
      .files.set(".github/advisory-bot.yml", `${MINIMAL_CONFIG}intake:\n  privateFork: false\n`);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", { title: "Flaw", body: "Details." });
    bed.sim.resetRequests();
    await say(bed, TRACKER, pasted.number, "sajay", "/advisory create oras-go");
    expect(advisoryCreates(bed.sim.requests)[0]?.body).toMatchObject({ start_private_fork: false });
    expect(forkRequests(bed.sim.requests)).toEqual([]);
    expect(bed.sim.world.listAdvisories(ORG, "oras-go")[0]?.forkPending).toBeNull();
  });
});

describe("doctor: the package of every repository and where it comes from", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("lists each repository's package with its source; a repository with nothing known is a warning", async () => {
    bed = await startBed();
    seed(bed, [{ name: "community", language: null, files: { "README.md": "hi\n" } }]);
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    }) as string;
    const report = await runDoctor({
      appId: bed.sim.world.app.id,
      privateKey,
      baseUrl: bed.sim.url,
      Octokit: DoctorOctokit,
    });
    const packages = Object.fromEntries(
      report.findings.filter((f) => f.check.startsWith("package ")).map((f) => [f.check, [f.status, f.detail]]),
    );
    expect(packages).toEqual({
      "package community": [
        "warn",
        "no package known: no manifest the app reads and no primary language; `/advisory create` and `convert` refuse here",
      ],
      "package oras": ["ok", "go oras.land/oras — from go.mod (module path)"],
      "package oras-dotnet": [
        "ok",
        "nuget OrasProject.Oras — from src/OrasProject.Oras/OrasProject.Oras.csproj (PackageId)",
      ],
      "package oras-go": ["ok", "go oras.land/oras-go/v2 — from go.mod (module path)"],
      "package oras-java": ["ok", "maven land.oras:oras-java-sdk — from pom.xml (groupId:artifactId)"],
      "package oras-py": [
        "ok",
        "pip oras — from pyproject.toml, setup.cfg, setup.py (no literal name; the package folder oras/ is named after the repository)",
      ],
    });
  });
});
