/**
 * Manifest parsers and the package decision, on real manifests of ORAS and of well-known projects
 * (provenance: test/fixtures/manifests/PROVENANCE.md).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  gradleGroup,
  MAX_MANIFEST_BYTES,
  parseCargoToml,
  parseGoMod,
  parseGradleSettings,
  parseNuspec,
  parsePackageJson,
  parsePom,
  parseProjectFile,
  parsePyproject,
  parseSetupCfg,
  parseSetupPy,
} from "../../src/domain/manifests.js";
import {
  EMPTY_MANIFESTS,
  inferFromManifests,
  type ListedFile,
  type RepoManifests,
  resolvePackage,
} from "../../src/domain/packages.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), "utf8");
const repo = (files: Record<string, string>, more: Partial<RepoManifests> = {}): RepoManifests => ({
  ...EMPTY_MANIFESTS,
  files,
  ...more,
});
const listed = (path: string, text: string | null): ListedFile => ({ path, oid: `oid-${path}`, text });

describe("Go: go.mod", () => {
  it("reads the module path of oras-go at its v2 release and on main (the v3 line)", () => {
    expect(parseGoMod(fixture("oras-go.v2.6.2.go.mod"))).toBe("oras.land/oras-go/v2");
    expect(parseGoMod(fixture("oras-go.main.go.mod"))).toBe("github.com/oras-project/oras-go/v3");
  });
  it("accepts a quoted path and a trailing comment; a file without module says nothing", () => {
    expect(parseGoMod('// comment\nmodule "example.com/m" // the module\n')).toBe("example.com/m");
    expect(parseGoMod("go 1.22\nmodulex foo\n")).toBeNull();
  });
});

describe(".NET: *.csproj and *.nuspec", () => {
  it("takes PackageId (oras-dotnet, Newtonsoft.Json)", () => {
    expect(
      parseProjectFile("src/OrasProject.Oras/OrasProject.Oras.csproj", fixture("oras-dotnet.OrasProject.Oras.csproj")),
    ).toEqual({ id: "OrasProject.Oras", packable: true, from: "PackageId" });
    expect(
      parseProjectFile("Src/Newtonsoft.Json/Newtonsoft.Json.csproj", fixture("newtonsoft.Newtonsoft.Json.csproj")),
    ).toMatchObject({ id: "Newtonsoft.Json", from: "PackageId" });
  });
  it("marks oras-dotnet's test and example projects as not packable", () => {
    expect(
      parseProjectFile(
        "tests/OrasProject.Oras.Tests/OrasProject.Oras.Tests.csproj",
        fixture("oras-dotnet.OrasProject.Oras.Tests.csproj"),
      )?.packable,
    ).toBe(false);
    expect(
      parseProjectFile(
        "x/OrasProject.Oras.Examples.Azure.csproj",
        fixture("oras-dotnet.OrasProject.Oras.Examples.Azure.csproj"),
      )?.packable,
    ).toBe(false);
  });
  it("falls back to the project's file name, as MSBuild does, and ignores a $(Property) PackageId", () => {
    expect(parseProjectFile("src/A.B/A.B.csproj", null)).toEqual({ id: "A.B", packable: true, from: "file name" });
    expect(
      parseProjectFile("A.csproj", "<Project><PropertyGroup><PackageId>$(Name)</PackageId></PropertyGroup></Project>"),
    ).toMatchObject({ id: "A", from: "file name" });
  });
  it("reads a .nuspec id; broken XML is no answer", () => {
    expect(
      parseNuspec(
        '<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>Contoso.Utility</id></metadata></package>',
      ),
    ).toBe("Contoso.Utility");
    expect(parseProjectFile("A.csproj", "<Project><PropertyGroup>")).toBeNull();
  });
});

describe("Java: pom.xml and Gradle", () => {
  it("reads groupId:artifactId of oras-java", () => {
    expect(parsePom(fixture("oras-java.pom.xml"))).toEqual({
      groupId: "land.oras",
      artifactId: "oras-java-sdk",
      modules: [],
    });
  });
  it("reads the modules of Guava's parent POM", () => {
    expect(parsePom(fixture("guava.pom.xml"))).toEqual({
      groupId: "com.google.guava",
      artifactId: "guava-parent",
      modules: ["guava", "guava-bom", "guava-gwt", "guava-testlib", "guava-tests"],
    });
  });
  it("inherits groupId from <parent>", () => {
    expect(
      parsePom("<project><parent><groupId>org.x</groupId></parent><artifactId>y</artifactId></project>")?.groupId,
    ).toBe("org.x");
  });
  it("reads okhttp's settings (renamed subprojects) and its GROUP property", () => {
    const settings = parseGradleSettings(fixture("okhttp.settings.gradle.kts"));
    expect(settings.rootName).toBe("okhttp-parent");
    expect(settings.projects).toContain("okhttp");
    expect(settings.projects).toContain("logging-interceptor");
    expect(settings.projects).toContain("mockwebserver3");
    expect(gradleGroup("plugins { java }\n", fixture("okhttp.gradle.properties"))).toBe("com.squareup.okhttp3");
    expect(gradleGroup("group = 'org.example'\nversion = '1.0'\n", null)).toBe("org.example");
  });
});

describe("Python: pyproject.toml, setup.cfg, setup.py", () => {
  it("reads [project].name and Poetry's [tool.poetry].name", () => {
    expect(parsePyproject(fixture("poetry.pyproject.toml"))).toEqual({ name: "poetry", from: "[tool.poetry].name" });
    expect(parsePyproject('[project]\nname = "sampleproject"\n')).toEqual({
      name: "sampleproject",
      from: "[project].name",
    });
  });
  it("finds no name in oras-py's tool-only pyproject.toml, setup.cfg or computed setup.py", () => {
    expect(parsePyproject(fixture("oras-py.pyproject.toml"))?.name).toBeNull();
    expect(parseSetupCfg(fixture("oras-py.setup.cfg"))).toBeNull();
    expect(parseSetupPy(fixture("oras-py.setup.py"))).toBeNull();
    expect(parseSetupPy(fixture("requests.setup.py"))).toBeNull();
  });
  it("reads pytest's setup.cfg [metadata] name and Flask's literal setup.py name", () => {
    expect(parseSetupCfg(fixture("pytest.setup.cfg"))).toBe("pytest");
    expect(parseSetupPy(fixture("flask.setup.py"))).toBe("Flask");
  });
  it("invalid TOML is no answer", () => {
    expect(parsePyproject("[project\nname = ")).toBeNull();
  });
});

describe("npm and Rust", () => {
  it("reads package.json names; a private monorepo root is marked private", () => {
    expect(parsePackageJson(fixture("express.package.json"))).toEqual({ name: "express", private: false });
    expect(parsePackageJson(fixture("babel.package.json"))).toEqual({ name: "babel", private: true });
    expect(parsePackageJson("{not json")).toBeNull();
  });
  it("reads Cargo.toml [package].name and a workspace's members", () => {
    expect(parseCargoToml(fixture("rust-oci-client.Cargo.toml"))?.name).toBe("oci-distribution");
    expect(parseCargoToml(fixture("serde.Cargo.toml"))).toEqual({
      name: null,
      members: ["serde_state", "serde_derive", "serde_test", "test_suite"],
    });
  });
});

describe("untrusted content: caps and linear time", () => {
  it("ignores manifests over the size cap", () => {
    const big = `module a\n${"x".repeat(MAX_MANIFEST_BYTES)}`;
    expect(parseGoMod(big)).toBeNull();
    expect(
      parsePom(`<project><groupId>a</groupId><artifactId>b</artifactId>${" ".repeat(MAX_MANIFEST_BYTES)}</project>`),
    ).toBeNull();
  });
  it("does not expand XML entities", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><project><groupId>&b;</groupId><artifactId>x</artifactId></project>`;
    expect(parsePom(bomb)?.groupId).not.toMatch(/aaaa/);
  });
  it("line readers skip over-long lines, so each pattern runs on at most 1,000 characters", () => {
    const pad = " ".repeat(1_000);
    expect(parseSetupPy(`${pad}name="flask",`)).toBeNull();
    expect(parseSetupPy(`    name="flask",`)).toBe("flask");
    expect(parseSetupCfg(`[metadata]\nname = ${"x".repeat(1_000)}`)).toBeNull();
    expect(parseGoMod(`module ${"a".repeat(1_000)}\nmodule b\n`)).toBe("b");
    expect(parseGradleSettings(`include(":a"${", ':b'".repeat(200)})`).projects).toEqual([]);
  });
});

describe("which manifest wins", () => {
  it("oras-dotnet: the packable project in src/ (tests and examples are not packages)", () => {
    const m = repo(
      {},
      {
        listed: [
          listed("src/OrasProject.Oras/OrasProject.Oras.csproj", fixture("oras-dotnet.OrasProject.Oras.csproj")),
        ],
      },
    );
    expect(inferFromManifests(m, "oras-dotnet")).toMatchObject({ ecosystem: "nuget", name: "OrasProject.Oras" });
  });
  it("several packable projects: the core one whose id prefixes the others", () => {
    const m = repo(
      {},
      {
        listed: [
          listed("src/Acme.Core.Extensions/Acme.Core.Extensions.csproj", null),
          listed("src/Acme.Core/Acme.Core.csproj", null),
          listed("src/Acme.Core.Tests/Acme.Core.Tests.csproj", null),
        ],
      },
    );
    expect(inferFromManifests(m, "acme")).toMatchObject({ name: "Acme.Core" });
    const unrelated = repo({}, { listed: [listed("src/A/A.csproj", null), listed("src/B/B.csproj", null)] });
    expect(inferFromManifests(unrelated, "c")).toMatchObject({ ecosystem: "nuget", name: null });
  });
  it("a multi-module Maven build: the module named after the repository, in the parent's group", () => {
    expect(inferFromManifests(repo({ "pom.xml": fixture("guava.pom.xml") }), "guava")).toMatchObject({
      ecosystem: "maven",
      name: "com.google.guava:guava",
    });
    expect(inferFromManifests(repo({ "pom.xml": fixture("guava.pom.xml") }), "something")).toMatchObject({
      ecosystem: "maven",
      name: null,
    });
  });
  it("a multi-project Gradle build: the subproject named after the repository", () => {
    const m = repo({
      "build.gradle.kts": 'plugins { kotlin("jvm") }\n',
      "settings.gradle.kts": fixture("okhttp.settings.gradle.kts"),
      "gradle.properties": fixture("okhttp.gradle.properties"),
    });
    expect(inferFromManifests(m, "okhttp")).toMatchObject({ ecosystem: "maven", name: "com.squareup.okhttp3:okhttp" });
  });
  it("a Cargo workspace without a crate named after the repository gives the ecosystem only", () => {
    expect(inferFromManifests(repo({ "Cargo.toml": fixture("serde.Cargo.toml") }), "serde")).toMatchObject({
      ecosystem: "rust",
      name: null,
    });
    expect(
      inferFromManifests(repo({ "Cargo.toml": '[workspace]\nmembers = ["serde", "serde_derive"]\n' }), "serde"),
    ).toMatchObject({ name: "serde" });
  });
  it("oras-py and requests: a computed setup.py name → the package folder named after the repository", () => {
    const orasPy = repo(
      {
        "pyproject.toml": fixture("oras-py.pyproject.toml"),
        "setup.cfg": fixture("oras-py.setup.cfg"),
        "setup.py": fixture("oras-py.setup.py"),
      },
      { rootDirs: [".github", "docs", "examples", "oras", "scripts"] },
    );
    expect(inferFromManifests(orasPy, "oras-py")).toMatchObject({ ecosystem: "pip", name: "oras" });
    const requests = repo({ "setup.py": fixture("requests.setup.py") }, { rootDirs: ["docs", "requests", "tests"] });
    expect(inferFromManifests(requests, "requests")).toMatchObject({ name: "requests" });
  });
  it("several ecosystems: GitHub's primary language decides; a private package.json is not a package", () => {
    const both = repo({ "go.mod": "module example.com/tool\n", "package.json": fixture("express.package.json") });
    expect(inferFromManifests(both, "x")).toMatchObject({ ecosystem: "go" });
    expect(inferFromManifests({ ...both, language: "JavaScript" }, "x")).toMatchObject({
      ecosystem: "npm",
      name: "express",
    });
    expect(inferFromManifests(repo({ "package.json": fixture("babel.package.json") }), "babel")).toBeNull();
  });
});

describe("resolvePackage: the fallbacks in order", () => {
  const goRepo = repo({ "go.mod": fixture("oras-go.v2.6.2.go.mod") }, { language: "Go" });
  it("the configured entry overrides the manifest", () => {
    expect(
      resolvePackage({
        repo: "oras-go",
        manifests: goRepo,
        configured: { ecosystem: "go", name: "oras.land/oras-go" },
      }),
    ).toEqual({
      package: { ecosystem: "go", name: "oras.land/oras-go" },
      source: "configuration",
      detail: "packages.oras-go",
    });
  });
  it("then the manifest", () => {
    expect(resolvePackage({ repo: "oras-go", manifests: goRepo })).toMatchObject({
      package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
      source: "manifest",
      detail: "go.mod (module path)",
    });
  });
  it("a sibling prefers the target's manifest of its own ecosystem", () => {
    const mixed = repo(
      { "go.mod": "module oras.land/oras\n", "package.json": fixture("express.package.json") },
      { language: "JavaScript" },
    );
    expect(
      resolvePackage({ repo: "oras", manifests: mixed, sibling: { ecosystem: "go", name: "oras.land/oras-go/v2" } })
        ?.package,
    ).toEqual({ ecosystem: "go", name: "oras.land/oras" });
  });
  it("then the sibling's ecosystem, without a name", () => {
    expect(
      resolvePackage({
        repo: "x",
        manifests: EMPTY_MANIFESTS,
        sibling: { ecosystem: "go", name: "oras.land/oras-go/v2" },
      }),
    ).toMatchObject({ package: { ecosystem: "go" }, source: "sibling" });
  });
  it("then GitHub's primary language, without a name; nothing known → null", () => {
    expect(resolvePackage({ repo: "x", manifests: { ...EMPTY_MANIFESTS, language: "C#" } })).toMatchObject({
      package: { ecosystem: "nuget" },
      source: "language",
    });
    expect(resolvePackage({ repo: "x", manifests: { ...EMPTY_MANIFESTS, language: "Makefile" } })).toBeNull();
    expect(resolvePackage({ repo: "x", manifests: EMPTY_MANIFESTS })).toBeNull();
  });
  it("a command argument wins, completing a bare name with the best-known ecosystem", () => {
    expect(
      resolvePackage({ repo: "oras-go", manifests: goRepo, argument: { name: "oras.land/oras-go/v2/registry" } })
        ?.package,
    ).toEqual({
      ecosystem: "go",
      name: "oras.land/oras-go/v2/registry",
    });
  });
});
