/**
 * Package manifests → the package a repository publishes (ecosystem + name). Pure: the texts come from
 * the org query. Manifests are untrusted repository content, so every parser has a size cap, runs in
 * linear time and uses a real parser where the format has one (TOML: smol-toml; XML: fast-xml-parser;
 * JSON). go.mod, setup.cfg, setup.py and Gradle scripts are read line by line, one bounded match per line.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parse as parseToml } from "smol-toml";
import type { PackageEcosystem } from "./ecosystems.js";

/** Larger manifests are not read: no real manifest comes close, and the parsers stay cheap. */
export const MAX_MANIFEST_BYTES = 256 * 1024;
/** Lines longer than this are skipped by the line-format readers. */
const MAX_LINE = 1000;

/** Files the org query reads at the root of every repository, by exact path. */
export const ROOT_MANIFESTS = [
  "go.mod",
  "Cargo.toml",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "settings.gradle",
  "settings.gradle.kts",
  "gradle.properties",
  "pyproject.toml",
  "setup.cfg",
  "setup.py",
  "package.json",
] as const;

/** What a manifest says: the ecosystem, and the package name when the file states it. */
export interface ManifestPackage {
  ecosystem: PackageEcosystem;
  name: string | null;
  /** The manifest (path in the repository) this came from. */
  file: string;
  /** Why the name is what it is, or why it is missing, for people (doctor, refusals). */
  note: string;
}

const tooBig = (text: string) => text.length > MAX_MANIFEST_BYTES;

function* lines(text: string): Generator<string> {
  for (const line of text.split("\n")) if (line.length <= MAX_LINE) yield line.replace(/\r$/, "");
}

/** A plausible package name: printable, no spaces or quotes, bounded. */
function clean(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const v = value.trim();
  return v.length > 0 && v.length <= 214 && /^[^\s"'`<>${}]+$/.test(v) ? v : null;
}

// ------------------------------------------------------------------------------------------ Go

/** `go.mod`: the `module` directive's path (quoted or not); comments ignored. */
export function parseGoMod(text: string): string | null {
  if (tooBig(text)) return null;
  for (const raw of lines(text)) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (!line.startsWith("module")) continue;
    const rest = line.slice("module".length);
    if (rest !== "" && !/^\s/.test(rest)) continue;
    const path = rest.trim().replace(/^"(.*)"$/, "$1");
    return clean(path);
  }
  return null;
}

// ------------------------------------------------------------------------------------------ XML

const xml = new XMLParser({
  ignoreAttributes: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
});

function parseXml(text: string): Record<string, unknown> | null {
  if (tooBig(text) || XMLValidator.validate(text) !== true) return null;
  try {
    const doc = xml.parse(text) as unknown;
    return doc && typeof doc === "object" ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
/** An MSBuild/Maven value that is plain text (not a `$(Property)` or `${property}` reference). */
const literal = (v: unknown): string | null =>
  typeof v === "string" && !v.includes("$(") && !v.includes("${") ? clean(v) : null;

/** Base name of a path without its extension: `src/A.B/A.B.csproj` → `A.B`. */
export function projectName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

export interface DotnetProject {
  /** NuGet package id: `PackageId`, else `AssemblyName`, else the project file's name (MSBuild's defaults). */
  id: string;
  /** `<IsPackable>false</IsPackable>`: test and example projects publish nothing. */
  packable: boolean;
  from: "PackageId" | "AssemblyName" | "file name";
}

/** A `.csproj`/`.fsproj`/`.vbproj` project; `text` null when only its path is known. */
export function parseProjectFile(path: string, text: string | null): DotnetProject | null {
  const fallback: DotnetProject = { id: projectName(path), packable: true, from: "file name" };
  if (text === null) return fallback;
  const doc = parseXml(text);
  if (!doc) return null;
  const groups = asArray(obj(doc.Project).PropertyGroup).map(obj);
  const first = (key: string) => {
    for (const g of groups) for (const v of asArray(g[key])) if (literal(v)) return literal(v);
    return null;
  };
  const packable = !groups.some((g) => asArray(g.IsPackable).some((v) => String(v).toLowerCase() === "false"));
  const packageId = first("PackageId");
  if (packageId) return { id: packageId, packable, from: "PackageId" };
  const assembly = first("AssemblyName");
  if (assembly) return { id: assembly, packable, from: "AssemblyName" };
  return { ...fallback, packable };
}

/** A `.nuspec`: `package/metadata/id`. */
export function parseNuspec(text: string): string | null {
  const doc = parseXml(text);
  return doc ? literal(obj(obj(doc.package).metadata).id) : null;
}

export interface PomInfo {
  groupId: string | null;
  artifactId: string | null;
  /** `<packaging>pom</packaging>` with `<modules>`: a parent that publishes nothing itself. */
  modules: string[];
}

/** `pom.xml`: groupId (inherited from `<parent>` when absent), artifactId, and the modules of a parent POM. */
export function parsePom(text: string): PomInfo | null {
  const doc = parseXml(text);
  if (!doc) return null;
  const project = obj(doc.project);
  const groupId = literal(project.groupId) ?? literal(obj(project.parent).groupId);
  const packaging = typeof project.packaging === "string" ? project.packaging.trim() : "jar";
  const modules =
    packaging === "pom"
      ? asArray(obj(project.modules).module)
          .map((m) => literal(m))
          .filter((m): m is string => m !== null)
      : [];
  return { groupId, artifactId: literal(project.artifactId), modules };
}

// ------------------------------------------------------------------------------------------ Gradle

const QUOTED = /^["']([^"'\s]{1,214})["']/;

/** `group = "x"` / `group "x"` / `group = 'x'` in a build script, at the start of a line. */
export function gradleGroup(buildScript: string | null, properties: string | null): string | null {
  if (buildScript && !tooBig(buildScript)) {
    for (const raw of lines(buildScript)) {
      const line = raw.trim();
      if (!line.startsWith("group")) continue;
      const rest = line.slice("group".length).trimStart();
      const value = rest.startsWith("=") ? rest.slice(1).trimStart() : rest;
      const m = QUOTED.exec(value);
      if (m?.[1]) return clean(m[1]);
    }
  }
  if (properties && !tooBig(properties)) {
    for (const raw of lines(properties)) {
      const line = raw.trim();
      const eq = line.indexOf("=");
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim();
      if (key === "group" || key === "GROUP") return clean(line.slice(eq + 1));
    }
  }
  return null;
}

export interface GradleSettings {
  rootName: string | null;
  /** Included project names (`:a:b` → `b`), after `project(":x").name = "y"` renames. */
  projects: string[];
}

/** `settings.gradle(.kts)`: `rootProject.name` and the `include` list. */
export function parseGradleSettings(text: string): GradleSettings {
  const settings: GradleSettings = { rootName: null, projects: [] };
  if (tooBig(text)) return settings;
  const renames = new Map<string, string>();
  const included: string[] = [];
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line.startsWith("rootProject.name")) {
      const value = line.slice("rootProject.name".length).trimStart().replace(/^=\s*/, "");
      settings.rootName = clean(QUOTED.exec(value)?.[1]);
    } else if (line.startsWith("include")) {
      for (const m of line.slice("include".length).matchAll(/["']:?([A-Za-z0-9._:-]{1,200})["']/g)) {
        if (m[1]) included.push(m[1]);
      }
    } else if (line.startsWith("project(")) {
      const m = /^project\(\s*["']:?([A-Za-z0-9._:-]{1,200})["']\s*\)\.name\s*=\s*["']([A-Za-z0-9._-]{1,200})["']/.exec(
        line,
      );
      if (m?.[1] && m[2]) renames.set(m[1], m[2]);
    }
  }
  settings.projects = included.map((p) => renames.get(p) ?? p.slice(p.lastIndexOf(":") + 1));
  return settings;
}

// ------------------------------------------------------------------------------------------ Python

function parseTomlSafe(text: string): Record<string, unknown> | null {
  if (tooBig(text)) return null;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** `pyproject.toml`: `[project].name`, else Poetry's `[tool.poetry].name`. */
export function parsePyproject(text: string): { name: string | null; from: string } | null {
  const doc = parseTomlSafe(text);
  if (!doc) return null;
  const project = clean(obj(doc.project).name);
  if (project) return { name: project, from: "[project].name" };
  const poetry = clean(obj(obj(doc.tool).poetry).name);
  if (poetry) return { name: poetry, from: "[tool.poetry].name" };
  return { name: null, from: "no [project] or [tool.poetry] name" };
}

/** `setup.cfg`: `name` in the `[metadata]` section. */
export function parseSetupCfg(text: string): string | null {
  if (tooBig(text)) return null;
  let section = "";
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line.startsWith("[") && line.endsWith("]")) {
      section = line.slice(1, -1).trim().toLowerCase();
      continue;
    }
    if (section !== "metadata" || raw.startsWith(" ") || raw.startsWith("\t")) continue;
    const m = /^name\s*[=:]\s*(\S{1,214})\s*$/.exec(line);
    if (m?.[1]) return clean(m[1]);
  }
  return null;
}

/** `setup.py`: a literal `name="…"` keyword argument on its own line (a computed name is not guessed). */
export function parseSetupPy(text: string): string | null {
  if (tooBig(text)) return null;
  for (const raw of lines(text)) {
    const m = /^\s*name\s*=\s*(["'])([A-Za-z0-9._-]{1,214})\1\s*,?\s*(?:#.*)?$/.exec(raw);
    if (m?.[2]) return m[2];
  }
  return null;
}

// ------------------------------------------------------------------------------------------ npm, Rust

/** `package.json`: the name, and whether the package is private (never published). */
export function parsePackageJson(text: string): { name: string | null; private: boolean } | null {
  if (tooBig(text)) return null;
  try {
    const doc = obj(JSON.parse(text) as unknown);
    return { name: clean(doc.name), private: doc.private === true };
  } catch {
    return null;
  }
}

/** `Cargo.toml`: `[package].name`, or a workspace root's members. */
export function parseCargoToml(text: string): { name: string | null; members: string[] } | null {
  const doc = parseTomlSafe(text);
  if (!doc) return null;
  const members = asArray(obj(doc.workspace).members).filter((m): m is string => typeof m === "string");
  return { name: clean(obj(doc.package).name), members };
}
