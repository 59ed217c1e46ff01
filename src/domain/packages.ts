/**
 * Which package a draft advisory of a repository names. Pure. In order: an explicit command argument,
 * the configured `packages` entry, the repository's own manifests, the package of the advisory a
 * sibling is made from, GitHub's primary language of the repository (ecosystem only: GitHub's create
 * API needs no name). Nothing known → null, and the command refuses before it writes anything.
 */
import type { PackageEcosystem } from "./ecosystems.js";
import {
  gradleGroup,
  type ManifestPackage,
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
  projectName,
} from "./manifests.js";

/** A file found by listing a folder (its name is not fixed, e.g. `*.csproj`); its text when read. */
export interface ListedFile {
  path: string;
  /** Git blob id: the same id means the same text. */
  oid: string;
  text: string | null;
}

/** What the org query knows of a repository's manifests. */
export interface RepoManifests {
  /** Text of each root manifest (see `ROOT_MANIFESTS`); null when absent. */
  files: Record<string, string | null>;
  /** Names of the root folder's directories. */
  rootDirs: string[];
  /** .NET project and package files at the root, in `src/` and in `src/<folder>/`. */
  listed: ListedFile[];
  /** GitHub's primary language of the repository (`Go`, `C#`, …), or null. */
  language: string | null;
}

export const EMPTY_MANIFESTS: RepoManifests = { files: {}, rootDirs: [], listed: [], language: null };

/** GitHub's language names → the advisory ecosystem whose packages are written in them. */
export const LANGUAGE_ECOSYSTEMS: Readonly<Record<string, PackageEcosystem>> = {
  Go: "go",
  "C#": "nuget",
  "F#": "nuget",
  "Visual Basic .NET": "nuget",
  Java: "maven",
  Kotlin: "maven",
  Scala: "maven",
  Groovy: "maven",
  Clojure: "maven",
  Python: "pip",
  JavaScript: "npm",
  TypeScript: "npm",
  Rust: "rust",
  Ruby: "rubygems",
  PHP: "composer",
  Erlang: "erlang",
  Elixir: "erlang",
  Dart: "pub",
  Swift: "swift",
};

/** .NET project files the app looks for, and the folders it lists for them. */
export const DOTNET_PROJECT = /\.(?:cs|fs|vb)proj$/i;
export const NUSPEC = /\.nuspec$/i;
/** Projects named like these are tests, samples or tools: never the package a repository publishes. */
const NOT_A_PACKAGE =
  /\.(?:tests?|unittests?|integrationtests?|functionaltests?|benchmarks?|samples?|examples?|tools?)$/i;

/** The repository name as a Python/crate/module name: `oras-py` → `oras`, `python-foo` → `foo`. */
export function baseName(repo: string): string {
  return repo
    .toLowerCase()
    .replace(/^(?:py|python)-/, "")
    .replace(/-(?:py|python)$/, "");
}

const sameName = (a: string, b: string) =>
  a.toLowerCase().replace(/[-_.]/g, "") === b.toLowerCase().replace(/[-_.]/g, "");

function goCandidate(m: RepoManifests): ManifestPackage | null {
  const text = m.files["go.mod"];
  if (typeof text !== "string") return null;
  const name = parseGoMod(text);
  return {
    ecosystem: "go",
    name,
    file: "go.mod",
    note: name ? "module path" : "go.mod has no module directive",
  };
}

function rustCandidate(m: RepoManifests, repo: string): ManifestPackage | null {
  const text = m.files["Cargo.toml"];
  if (typeof text !== "string") return null;
  const cargo = parseCargoToml(text);
  if (cargo?.name) return { ecosystem: "rust", name: cargo.name, file: "Cargo.toml", note: "[package].name" };
  const member = cargo?.members.find((p) => sameName(p.slice(p.lastIndexOf("/") + 1), baseName(repo)));
  if (member) {
    const crate = member.slice(member.lastIndexOf("/") + 1);
    return { ecosystem: "rust", name: crate, file: "Cargo.toml", note: `workspace member named after the repository` };
  }
  return {
    ecosystem: "rust",
    name: null,
    file: "Cargo.toml",
    note: cargo?.members.length
      ? `workspace of ${cargo.members.length} crates, none named after the repository`
      : "Cargo.toml names no package",
  };
}

function mavenCandidate(m: RepoManifests, repo: string): ManifestPackage | null {
  const pomText = m.files["pom.xml"];
  if (typeof pomText === "string") {
    const pom = parsePom(pomText);
    if (pom?.groupId && pom.modules.length > 0) {
      const module = pom.modules.find((x) => sameName(x, repo) || sameName(x, baseName(repo)));
      if (module)
        return {
          ecosystem: "maven",
          name: `${pom.groupId}:${module}`,
          file: "pom.xml",
          note: "module named after the repository, in the parent's group",
        };
      return {
        ecosystem: "maven",
        name: null,
        file: "pom.xml",
        note: `parent POM of ${pom.modules.length} modules, none named after the repository`,
      };
    }
    if (pom?.groupId && pom.artifactId)
      return {
        ecosystem: "maven",
        name: `${pom.groupId}:${pom.artifactId}`,
        file: "pom.xml",
        note: "groupId:artifactId",
      };
    return { ecosystem: "maven", name: null, file: "pom.xml", note: "pom.xml has no groupId and artifactId" };
  }
  const buildFile = m.files["build.gradle.kts"] != null ? "build.gradle.kts" : "build.gradle";
  const build = m.files[buildFile];
  if (typeof build !== "string") return null;
  const settingsFile = m.files["settings.gradle.kts"] != null ? "settings.gradle.kts" : "settings.gradle";
  const settings = parseGradleSettings(m.files[settingsFile] ?? "");
  const group = gradleGroup(build, m.files["gradle.properties"] ?? null);
  let artifact: string | null;
  let note: string;
  if (settings.projects.length > 0) {
    artifact = settings.projects.find((p) => sameName(p, repo) || sameName(p, baseName(repo))) ?? null;
    note = artifact
      ? "subproject named after the repository"
      : `build of ${settings.projects.length} subprojects, none named after the repository`;
  } else {
    artifact = settings.rootName ?? repo;
    note = settings.rootName ? "rootProject.name" : "the repository's name (no rootProject.name)";
  }
  if (!group)
    return { ecosystem: "maven", name: null, file: buildFile, note: "no group in the build or gradle.properties" };
  return { ecosystem: "maven", name: artifact ? `${group}:${artifact}` : null, file: buildFile, note };
}

function nugetCandidate(m: RepoManifests, repo: string): ManifestPackage | null {
  const nuspec = m.listed.find((f) => NUSPEC.test(f.path) && !f.path.includes("/"));
  if (nuspec) {
    const id = nuspec.text === null ? projectName(nuspec.path) : parseNuspec(nuspec.text);
    return {
      ecosystem: "nuget",
      name: id,
      file: nuspec.path,
      note: nuspec.text === null ? "file name (the .nuspec was not read)" : id ? "package id" : ".nuspec has no id",
    };
  }
  const projects = m.listed
    .filter((f) => DOTNET_PROJECT.test(f.path))
    .flatMap((f) => {
      const project = parseProjectFile(f.path, f.text);
      return project?.packable && !NOT_A_PACKAGE.test(project.id) ? [{ file: f.path, ...project }] : [];
    });
  if (projects.length === 0) {
    const any = m.listed.find((f) => DOTNET_PROJECT.test(f.path));
    return any ? { ecosystem: "nuget", name: null, file: any.path, note: "no packable project" } : null;
  }
  // Several packable projects: the core library is the one whose id prefixes every other one
  // (OrasProject.Oras before OrasProject.Oras.Extensions); else the one named after the repository.
  const core =
    projects.find((p) => projects.every((q) => q.id === p.id || q.id.startsWith(`${p.id}.`))) ??
    projects.find((p) => sameName(p.id, repo));
  if (!core)
    return {
      ecosystem: "nuget",
      name: null,
      file: projects.map((p) => p.file).join(", "),
      note: `${projects.length} packable projects and none is the core one`,
    };
  return {
    ecosystem: "nuget",
    name: core.id,
    file: core.file,
    note: projects.length > 1 ? `${core.from}; the core of ${projects.length} projects` : core.from,
  };
}

function pipCandidate(m: RepoManifests, repo: string): ManifestPackage | null {
  const present = (["pyproject.toml", "setup.cfg", "setup.py"] as const).filter((f) => typeof m.files[f] === "string");
  if (present.length === 0) return null;
  const pyproject = typeof m.files["pyproject.toml"] === "string" ? parsePyproject(m.files["pyproject.toml"]) : null;
  if (pyproject?.name) return { ecosystem: "pip", name: pyproject.name, file: "pyproject.toml", note: pyproject.from };
  const cfg = typeof m.files["setup.cfg"] === "string" ? parseSetupCfg(m.files["setup.cfg"]) : null;
  if (cfg) return { ecosystem: "pip", name: cfg, file: "setup.cfg", note: "[metadata] name" };
  const py = typeof m.files["setup.py"] === "string" ? parseSetupPy(m.files["setup.py"]) : null;
  if (py) return { ecosystem: "pip", name: py, file: "setup.py", note: "name= in setup()" };
  // setup.py computes the name (oras-py reads it from oras/version.py): the importable package at the
  // root named after the repository is what it publishes.
  const dir = m.rootDirs.find((d) => d === baseName(repo).replace(/-/g, "_"));
  if (dir)
    return {
      ecosystem: "pip",
      name: dir,
      file: present.join(", "),
      note: `no literal name; the package folder ${dir}/ is named after the repository`,
    };
  return { ecosystem: "pip", name: null, file: present.join(", "), note: "no literal package name" };
}

function npmCandidate(m: RepoManifests): ManifestPackage | null {
  const text = m.files["package.json"];
  if (typeof text !== "string") return null;
  const pkg = parsePackageJson(text);
  if (pkg?.private) return { ecosystem: "npm", name: null, file: "package.json", note: "private: not published" };
  return {
    ecosystem: "npm",
    name: pkg?.name ?? null,
    file: "package.json",
    note: pkg?.name ? "name" : "package.json has no name",
  };
}

/**
 * Every package the repository's manifests describe, most specific first when several ecosystems are
 * present: go, rust, maven, nuget, pip, npm (a `package.json` is often tooling of another project).
 */
export function manifestCandidates(m: RepoManifests, repo: string): ManifestPackage[] {
  return [
    goCandidate(m),
    rustCandidate(m, repo),
    mavenCandidate(m, repo),
    nugetCandidate(m, repo),
    pipCandidate(m, repo),
    npmCandidate(m),
  ].filter(
    (c): c is ManifestPackage =>
      c !== null && !(c.ecosystem === "npm" && c.name === null && c.note.startsWith("private")),
  );
}

/**
 * The manifest package of a repository. With several ecosystems, the one of `prefer` (a sibling's
 * ecosystem) wins, then the one of GitHub's primary language, then the order of `manifestCandidates`;
 * within the chosen ecosystem a manifest that names the package beats one that does not.
 */
export function inferFromManifests(m: RepoManifests, repo: string, prefer?: PackageEcosystem): ManifestPackage | null {
  const all = manifestCandidates(m, repo);
  if (all.length === 0) return null;
  const language = m.language ? LANGUAGE_ECOSYSTEMS[m.language] : undefined;
  const pick = (eco: PackageEcosystem | undefined) => (eco ? all.find((c) => c.ecosystem === eco) : undefined);
  return pick(prefer) ?? pick(language) ?? all.find((c) => c.name !== null) ?? all[0] ?? null;
}

export type PackageSource = "argument" | "configuration" | "manifest" | "sibling" | "language";

export interface ResolvedPackage {
  package: { ecosystem: PackageEcosystem; name?: string };
  source: PackageSource;
  /** Where it came from, for people: `go.mod (module path)`, `packages.oras-go`, … */
  detail: string;
}

export interface PackageInput {
  repo: string;
  manifests: RepoManifests;
  /** `packages.<repo>` of the repository's configuration. */
  configured?: { ecosystem: PackageEcosystem; name: string } | undefined;
  /** A package given in the command (`also-affects <repo> [package]`); its ecosystem may be absent. */
  argument?: { ecosystem?: PackageEcosystem; name: string } | undefined;
  /** For a sibling draft: the first package of the advisory it is made from. */
  sibling?: { ecosystem: PackageEcosystem; name: string | null } | undefined;
}

const withName = (ecosystem: PackageEcosystem, name: string | null | undefined) =>
  name ? { ecosystem, name } : { ecosystem };

/** The package a new draft in `repo` names, and where it came from; null when nothing is known. */
export function resolvePackage(input: PackageInput): ResolvedPackage | null {
  const { repo, manifests, configured, argument, sibling } = input;
  const manifest = inferFromManifests(manifests, repo, sibling?.ecosystem);
  const language = manifests.language ? LANGUAGE_ECOSYSTEMS[manifests.language] : undefined;
  if (argument) {
    const ecosystem =
      argument.ecosystem ?? configured?.ecosystem ?? manifest?.ecosystem ?? sibling?.ecosystem ?? language;
    return {
      package: { ecosystem: ecosystem ?? "other", name: argument.name },
      source: "argument",
      detail: "the command's argument",
    };
  }
  if (configured) return { package: { ...configured }, source: "configuration", detail: `packages.${repo}` };
  if (manifest && (manifest.name !== null || !sibling || sibling.ecosystem !== manifest.ecosystem))
    return {
      package: withName(manifest.ecosystem, manifest.name),
      source: "manifest",
      detail: `${manifest.file} (${manifest.note})`,
    };
  if (sibling)
    return {
      package: { ecosystem: sibling.ecosystem },
      source: "sibling",
      detail: `the ecosystem of the advisory it is made from${manifest ? `; ${manifest.file}: ${manifest.note}` : ""}`,
    };
  if (language)
    return {
      package: { ecosystem: language },
      source: "language",
      detail: `GitHub's primary language ${manifests.language}`,
    };
  return null;
}

/** `go oras.land/oras-go/v2`, `pip (no name)`. */
export function formatPackage(p: ResolvedPackage["package"]): string {
  return p.name ? `${p.ecosystem} ${p.name}` : `${p.ecosystem} (no name)`;
}
