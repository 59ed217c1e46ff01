/**
 * Roster files: who maintains a repository, read from the files the repository already has.
 *
 * Roster files are untrusted text that decides who gets embargoed access, so every reader here runs
 * in linear time with size caps ({@link MAX_ROSTER}; {@link MAX_PARSED_ROSTER} and
 * {@link MAX_PARSED_ROSTER_LINES} for the markdown and YAML parsers), never throws, and never drops a person silently: a line that looks
 * like a person (an @mention, a github.com profile link, an email address, a list entry in a roster
 * section) and is not understood becomes a warning naming the file and line.
 *
 * Formats (see docs/rosters.md):
 * - Markdown (`*.md`): sections (`Owners:`, `## Maintainers`, `Emeritus:`, "Former maintainers",
 *   "Owners who stepped down", "Reviewers"…) with list items (`- Full Name (@handle)`, several
 *   handles per item allowed), tables (the GitHub column; a `Reviewer` role is not a maintainer) and
 *   `Name <email> (@handle)` lines. Parsed with micromark (CommonMark + GFM), not line patterns.
 * - Plain text (`MAINTAINERS`, `OWNERS` without extension, OCI style): `Name <email> (@handle)` or
 *   `Name <email> (handle)` lines, optionally with list markers; `#` comment lines naming a role open
 *   a section (`# Emeritus Org Maintainers`).
 * - `CODEOWNERS`: only the global rule (`*`) names repository maintainers; `@org/team` owners are teams;
 *   path-specific owners (`/docs/ @writer`) are not repository maintainers.
 * - CSV rows `"handle","Name","email"` in `# MAINTAINERS` / `# COMMITTERS` / `# REVIEWERS` sections.
 * - YAML: helm-style `maintainers:` / `emeritus:`, Kubernetes `approvers:` / `reviewers:` /
 *   `emeritus_approvers:` (and `filters: {".*": …}`), or `teams: [{ name, members }]`.
 * Reviewers and triagers are never maintainers. Anyone listed as emeritus is not active, even when
 * another line or file still lists them (the contradiction is a warning).
 */
import type { Heading, List, ListItem, Nodes, PhrasingContent, Root, Table } from "mdast";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import { displayLogin, isValidHandle, loginKey, TEAM_SLUG } from "./handles.js";
import { boundMarkdown, MAX_LINK_BRACKETS, parseMarkdown as parseMarkdownTree } from "./markdown.js";
import { MAX_YAML_FLOW_DEPTH, yamlFlowDepth } from "./yaml-bounds.js";

export { loginKey, sameLogin } from "./handles.js";

export interface Person {
  /** GitHub login in the casing first seen. */
  login: string;
  /** Where the person was first listed in this role (file and 1-based line), when known. */
  file?: string;
  line?: number;
}

export interface RosterWarning {
  file: string;
  /** 1-based line number (1 when the problem concerns the whole file). */
  line: number;
  /** The offending line, trimmed and cut to at most 120 characters. */
  text: string;
  reason: string;
}

export interface Roster {
  /** Owners and maintainers. */
  active: Person[];
  /** Former maintainers; nobody here is also in `active` (emeritus wins). */
  emeritus: Person[];
  /** Teams as `org/team`. */
  teams: string[];
  warnings: RosterWarning[];
}

export type RosterFormat = "markdown" | "plain" | "codeowners" | "csv" | "yaml";

/** Longest line looked at; longer lines are reported and skipped (keeps parsing linear). */
const MAX_LINE = 2000;
/** Warnings kept per file; the rest are summarised in one last warning. */
const MAX_WARNINGS = 50;
const WARNING_TEXT_MAX = 120;
/** Largest roster read; real rosters are a few KiB. Larger files are a warning and yield nobody. */
export const MAX_ROSTER = 128 * 1024;
/**
 * Largest markdown and YAML rosters, in characters and lines: both parsers are linear but cost far more
 * per byte than the line readers (real ones are under 4 KiB and 100 lines). Larger files are a warning
 * and yield nobody.
 */
export const MAX_PARSED_ROSTER: Readonly<Record<"markdown" | "yaml", number>> = { markdown: 16 * 1024, yaml: 8 * 1024 };
export const MAX_PARSED_ROSTER_LINES = 400;
/**
 * Table pipes and container markers (list bullets, `>`) of a markdown roster read as such; later ones are
 * text. Each table cell, list item or quote costs the parser a tokenizer of its own (real rosters in
 * test/fixtures/rosters have at most 110 pipes).
 */
export const MAX_ROSTER_PIPES = 256;
export const MAX_ROSTER_CONTAINERS = 128;
/** Lines of a markdown roster tried as table rows; later lines of a table read as text. */
export const MAX_ROSTER_TABLE_ROWS = 128;
/** Deepest list nesting followed in markdown (deeper lists are reported, not walked). */
const MAX_DEPTH = 32;

export function emptyRoster(): Roster {
  return { active: [], emeritus: [], teams: [], warnings: [] };
}

/** Cuts a line for display in a warning: trimmed, at most 120 characters, no split surrogate pair. */
export function warningText(line: string): string {
  const text = line.trim();
  if (text.length <= WARNING_TEXT_MAX) return text;
  let end = WARNING_TEXT_MAX - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

class RosterBuilder {
  private readonly active = new Map<string, Person>();
  private readonly emeritus = new Map<string, Person>();
  private readonly teams = new Map<string, string>();
  private readonly warnings: RosterWarning[] = [];
  private readonly lines: readonly string[];
  private dropped = 0;

  constructor(
    readonly file: string,
    lines: readonly string[] = [],
  ) {
    this.lines = lines;
  }

  addActive(login: string, line: number): void {
    const key = loginKey(login);
    if (!this.active.has(key)) this.active.set(key, { login: displayLogin(login), file: this.file, line });
  }

  addEmeritus(login: string, line: number): void {
    const key = loginKey(login);
    if (!this.emeritus.has(key)) this.emeritus.set(key, { login: displayLogin(login), file: this.file, line });
  }

  addTeam(org: string, slug: string): void {
    const team = `${org}/${slug}`;
    const key = team.toLowerCase();
    if (!this.teams.has(key)) this.teams.set(key, team);
  }

  /** A warning about a line; `text` defaults to that line of the file. */
  warn(line: number, reason: string, text?: string): void {
    if (this.warnings.length >= MAX_WARNINGS) {
      this.dropped += 1;
      return;
    }
    const shown = text ?? this.lines[line - 1] ?? "";
    this.warnings.push({ file: this.file, line, text: warningText(shown.slice(0, MAX_LINE)), reason });
  }

  build(): Roster {
    const warnings = [...this.warnings];
    const contradictions: RosterWarning[] = [];
    for (const [key, person] of this.emeritus) {
      const listed = this.active.get(key);
      if (listed === undefined) continue;
      contradictions.push(contradiction(listed, person));
    }
    for (const w of contradictions) {
      if (warnings.length >= MAX_WARNINGS) this.dropped += 1;
      else warnings.push(w);
    }
    if (this.dropped > 0) {
      warnings.push({ file: this.file, line: 1, text: "", reason: `${this.dropped} more problems not listed` });
    }
    return {
      active: [...this.active.entries()].filter(([key]) => !this.emeritus.has(key)).map(([, person]) => person),
      emeritus: [...this.emeritus.values()],
      teams: [...this.teams.values()],
      warnings,
    };
  }
}

/** The warning for someone listed as active in one place and as emeritus in another. */
function contradiction(listed: Person, former: Person): RosterWarning {
  const at = (p: Person) => `${p.file ?? "?"}${p.line === undefined ? "" : `:${p.line}`}`;
  return {
    file: listed.file ?? former.file ?? "",
    line: listed.line ?? 1,
    text: `@${listed.login}`,
    reason: `@${listed.login} is listed as active here but as emeritus in ${at(former)}; treated as emeritus`,
  };
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** The first line that carries content: not blank, not a `#` comment, not a YAML document marker. */
function firstMeaningfulLine(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed === "---") continue;
    return trimmed;
  }
  return undefined;
}

/** Top-level keys that make a file without a YAML name a YAML roster (helm, Kubernetes, teams). */
const YAML_ROSTER_KEY =
  /^(?:teams|maintainers|emeritus|approvers|reviewers|emeritus_approvers|emeritus_reviewers|emeritus_maintainers|owners|filters|options|aliases|triage|labels)\s*:(?:\s|$)/;

/** Chooses the parser: by file name first (`CODEOWNERS`, `.md`, `.yml`/`.yaml`), then by content. */
export function detectRosterFormat(path: string, text: string): RosterFormat {
  const name = baseName(path).toLowerCase();
  if (name === "codeowners") return "codeowners";
  if (name.endsWith(".yml") || name.endsWith(".yaml")) return "yaml";
  if (/\.(?:md|markdown|mdown|mkd)$/.test(name)) return "markdown";
  const first = firstMeaningfulLine(splitLines(text.length > 100_000 ? text.slice(0, 100_000) : text));
  if (first === undefined) return "plain";
  if (first.length <= MAX_LINE && first.startsWith('"') && (parseCsvLine(first)?.length ?? 0) >= 2) return "csv";
  if (YAML_ROSTER_KEY.test(first)) return "yaml";
  return "plain";
}

/**
 * Reads one roster file. Never throws: unreadable entries become warnings. Identity is
 * case-insensitive; the first spelling of a login is kept.
 */
export function parseRoster(path: string, text: string): Roster {
  try {
    // A file refused for its size is not split into lines: the warning shows its first line only.
    const refuse = (message: string) => {
      const out = new RosterBuilder(path, splitLines(text.slice(0, WARNING_TEXT_MAX + 1)).slice(0, 1));
      out.warn(1, message);
      return out.build();
    };
    if (text.length > MAX_ROSTER)
      return refuse(`roster larger than ${MAX_ROSTER / 1024} KiB ignored: nobody is read from it`);
    const format = detectRosterFormat(path, text);
    if ((format === "markdown" || format === "yaml") && text.length > MAX_PARSED_ROSTER[format]) {
      return refuse(
        `${format} roster larger than ${MAX_PARSED_ROSTER[format] / 1024} KiB ignored: nobody is read from it`,
      );
    }
    const lines = splitLines(text);
    if ((format === "markdown" || format === "yaml") && lines.length > MAX_PARSED_ROSTER_LINES) {
      return refuse(`${format} roster longer than ${MAX_PARSED_ROSTER_LINES} lines ignored: nobody is read from it`);
    }
    if (format === "yaml" && yamlFlowDepth(text) > MAX_YAML_FLOW_DEPTH) {
      const out = new RosterBuilder(path, lines);
      out.warn(1, `yaml roster nesting deeper than ${MAX_YAML_FLOW_DEPTH} levels ignored: nobody is read from it`);
      return out.build();
    }
    switch (format) {
      case "codeowners":
        return parseCodeowners(path, lines);
      case "csv":
        return parseCsv(path, lines);
      case "yaml": {
        const sniffed = !/\.ya?ml$/i.test(baseName(path));
        return parseYamlRoster(path, text, lines, sniffed) ?? parsePlain(path, lines);
      }
      case "markdown":
        return parseMarkdown(path, text, lines);
      default:
        return parsePlain(path, lines);
    }
  } catch (error) {
    const roster = emptyRoster();
    const reason = error instanceof Error ? error.message : String(error);
    roster.warnings.push({ file: path, line: 1, text: "", reason: `could not be read: ${warningText(reason)}` });
    return roster;
  }
}

/**
 * The union of several roster files of one repository: anyone active in any file is active, unless
 * any file lists them as emeritus — emeritus anywhere wins, and each such contradiction between files
 * is a warning on the line that still lists the person as active.
 */
export function mergeRosters(rosters: readonly Roster[]): Roster {
  const active = new Map<string, Person>();
  const emeritus = new Map<string, Person>();
  const teams = new Map<string, string>();
  const warnings: RosterWarning[] = [];
  for (const roster of rosters) {
    for (const person of roster.emeritus) {
      const key = loginKey(person.login);
      if (!emeritus.has(key)) emeritus.set(key, { ...person });
    }
  }
  for (const roster of rosters) {
    for (const person of roster.active) {
      const key = loginKey(person.login);
      const former = emeritus.get(key);
      if (former !== undefined) {
        warnings.push(contradiction(person, former));
        continue;
      }
      if (!active.has(key)) active.set(key, { ...person });
    }
    for (const team of roster.teams) {
      const key = team.toLowerCase();
      if (!teams.has(key)) teams.set(key, team);
    }
    warnings.push(...roster.warnings);
  }
  return { active: [...active.values()], emeritus: [...emeritus.values()], teams: [...teams.values()], warnings };
}

// ---------------------------------------------------------------------------------------------
// Sections and entries (shared by markdown, plain text, CSV and YAML team names)

/** What a section lists: maintainers, former maintainers, reviewers (not maintainers), or neither. */
type Section = "active" | "emeritus" | "reviewer" | "other" | "unclear";

const EMERITUS_WORDS =
  /emerit|former|alumn|retired|\bpast\b|inactive|previous|\bex[\s-]|stepped\s+down|step\s+down|stepping\s+down|no\s+longer|departed|\bold\b|graduated/;
const ACTIVE_WORDS = /owner|maintainer|approver|\blead|\bcore\b|current|active|committer/;
const REVIEWER_WORDS = /review|triag|contributor/;

function classifySection(title: string): Section {
  const lower = title.toLowerCase();
  if (EMERITUS_WORDS.test(lower)) return "emeritus";
  const active = ACTIVE_WORDS.test(lower);
  const reviewer = REVIEWER_WORDS.test(lower);
  if (active && reviewer) return "unclear";
  if (active) return "active";
  if (reviewer) return "reviewer";
  return "other";
}

type Found =
  | { kind: "user"; login: string }
  | { kind: "team"; org: string; slug: string }
  | { kind: "invalid"; reason: string };

/** `@user` or `@org/team`, not inside an email address or a path. */
const MENTION = /(?<![A-Za-z0-9._%+=/\\-])@([A-Za-z0-9_.-]+)(?:\/([A-Za-z0-9_.-]+))?/g;
/** A github.com profile: the user name and nothing after it but an optional slash. */
const PROFILE_URL = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/?#\s]+)\/?$/i;
const PROFILE_IN_TEXT =
  /(?:^|[^A-Za-z0-9.-])(?:https?:\/\/)?(?:www\.)?github\.com\/([A-Za-z0-9_.-]+)\/?(?=$|[\s)>\]"'?#,;])/gi;
/** A domain after an `@`: a label, a dot, another label (sticky: checked at one position only). */
const EMAIL_DOMAIN = /[A-Za-z0-9-]+\.[A-Za-z0-9]/y;
const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;

/** Whether a text contains an email address; linear (a regex search for one would not be). */
function hasEmail(text: string): boolean {
  for (let at = text.indexOf("@"); at >= 0; at = text.indexOf("@", at + 1)) {
    if (at === 0 || !EMAIL_LOCAL.test(text[at - 1] ?? "")) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    if (EMAIL_DOMAIN.test(text)) return true;
  }
  return false;
}
/** OCI style: `Name <email> (handle)` — a bare handle in parentheses after an email. */
const OCI_HANDLE = /\(\s*@?([A-Za-z0-9_.-]+)\s*\)\s*$/;

/** A sentence may end right after a handle: `@alice.` is alice. Underscores and hyphens stay. */
function stripSentenceEnd(token: string): string {
  let end = token.length;
  while (end > 0 && token[end - 1] === ".") end -= 1;
  return token.slice(0, end);
}

function userOrInvalid(login: string, shown: string): Found {
  return isValidHandle(login)
    ? { kind: "user", login }
    : { kind: "invalid", reason: `${shown} is not a valid GitHub handle` };
}

/** Every @mention in a text, in order. */
function mentions(text: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(MENTION)) {
    const first = stripSentenceEnd(m[1] ?? "");
    const slug = m[2] === undefined ? undefined : stripSentenceEnd(m[2]);
    if (first === "") continue;
    if (slug !== undefined && slug !== "") {
      if (isValidHandle(first) && TEAM_SLUG.test(slug)) found.push({ kind: "team", org: first, slug });
      else found.push({ kind: "invalid", reason: `@${first}/${slug} is not a valid @org/team` });
      continue;
    }
    found.push(userOrInvalid(first, `@${first}`));
  }
  return found;
}

/** A line of inline content: its visible text and the github.com profiles it links to. */
interface InlineLine {
  text: string;
  profiles: string[];
  /** True when the line contains an email address (linked or not). */
  email: boolean;
}

function profileOf(url: string): string | undefined {
  const m = PROFILE_URL.exec(url.trim());
  return m ? m[1] : undefined;
}

/** What an entry names: its @mentions; without any, its github.com profile links; else OCI `(handle)`. */
function entryHandles(line: InlineLine): Found[] {
  const found = mentions(line.text);
  if (found.length > 0) return found;
  if (line.profiles.length > 0) return line.profiles.map((p) => userOrInvalid(p, `github.com/${p}`));
  const oci = line.email ? OCI_HANDLE.exec(line.text) : null;
  if (oci) {
    const login = stripSentenceEnd(oci[1] ?? "");
    return [userOrInvalid(login, login)];
  }
  return [];
}

/** True when a line names somebody: an @mention, a profile link or an email address. */
function looksLikePerson(line: InlineLine): boolean {
  return line.profiles.length > 0 || line.email || /(?<![A-Za-z0-9._%+=/\\-])@[A-Za-z0-9]/.test(line.text);
}

/** A lone handle-like word (`jzelinskie`), as some emeritus lists are written. */
const BARE_WORD = /^@?([A-Za-z0-9][A-Za-z0-9_-]*)$/;

/**
 * Records what one roster entry names, in the section it belongs to. `entry` tells whether the text
 * is certainly an entry (a list item, a table row) rather than a line that might be prose.
 */
function recordEntry(out: RosterBuilder, section: Section, line: InlineLine, lineNo: number, entry: boolean): void {
  if (section === "reviewer" || section === "other") return;
  const found = entryHandles(line);
  const person = entry || looksLikePerson(line);
  if (found.length === 0) {
    if (!person) return;
    const bare = BARE_WORD.exec(line.text.trim());
    if (section === "emeritus" && bare && isValidHandle(bare[1] ?? "")) {
      // Leaving someone off the patch team is the safe reading of a bare word under Emeritus.
      out.addEmeritus(bare[1] ?? "", lineNo);
      return;
    }
    if (bare) out.warn(lineNo, `"${bare[1]}" has no @: write @${bare[1]} if it is a GitHub handle`);
    else if (line.email) out.warn(lineNo, "names an email address but no GitHub @handle");
    else out.warn(lineNo, "list entry without an @handle or github.com/handle link");
    return;
  }
  if (section === "unclear") {
    out.warn(lineNo, "listed under a heading that names both maintainers and reviewers; not read as a maintainer");
    return;
  }
  for (const f of found) {
    if (f.kind === "invalid") out.warn(lineNo, f.reason);
    else if (f.kind === "team") {
      if (section === "active") out.addTeam(f.org, f.slug);
    } else if (section === "active") out.addActive(f.login, lineNo);
    else out.addEmeritus(f.login, lineNo);
  }
}

/** `Owners:`, `**Emeritus**:` — a short line ending with a colon opens a section; null otherwise. */
function labelSection(text: string): Section | null {
  const label = text.replace(/[*_]/g, "").trim();
  if (!label.endsWith(":") || label.length > 80 || label.length < 2) return null;
  return classifySection(label.slice(0, -1));
}

// ---------------------------------------------------------------------------------------------
// Markdown (CommonMark + GFM through micromark)

/** Splits inline content into its source lines: visible text (no code, no HTML) and profile links. */
function inlineLines(children: readonly PhrasingContent[]): InlineLine[] {
  const lines: InlineLine[] = [{ text: "", profiles: [], email: false }];
  const current = () => lines[lines.length - 1] as InlineLine;
  const addText = (value: string) => {
    const parts = value.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) lines.push({ text: "", profiles: [], email: false });
      current().text += part;
    });
  };
  const walk = (nodes: readonly PhrasingContent[], depth: number) => {
    if (depth > MAX_DEPTH) return;
    for (const node of nodes) {
      switch (node.type) {
        case "text":
          if (hasEmail(node.value)) current().email = true;
          addText(node.value);
          break;
        case "break":
          lines.push({ text: "", profiles: [], email: false });
          break;
        case "link": {
          if (/^mailto:/i.test(node.url)) {
            current().email = true;
            current().text += " <email> ";
            break;
          }
          const profile = profileOf(node.url);
          if (profile !== undefined) current().profiles.push(profile);
          walk(node.children, depth + 1);
          break;
        }
        case "emphasis":
        case "strong":
        case "delete":
          walk(node.children, depth + 1);
          break;
        case "inlineCode":
        case "html":
          break;
        default:
          break;
      }
    }
  };
  walk(children, 0);
  return lines;
}

function nodeText(node: Nodes): string {
  if ("value" in node && typeof node.value === "string" && node.type !== "html" && node.type !== "inlineCode") {
    return node.value;
  }
  if ("children" in node) return (node.children as Nodes[]).map(nodeText).join("");
  return "";
}

function lineOf(node: { position?: { start: { line: number } } }): number {
  return node.position?.start.line ?? 1;
}

function parseMarkdown(file: string, text: string, lines: readonly string[]): Roster {
  const out = new RosterBuilder(file, lines);
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] ?? "").length > MAX_LINE) {
      out.warn(i + 1, `line longer than ${MAX_LINE} characters: the file is not read`);
      return out.build();
    }
  }
  // Nesting deeper than a few levels at the start of a line is flattened, brackets past the first
  // MAX_LINK_BRACKETS are plain text, as for every markdown read, and pipes, container markers and table
  // rows past their caps are text.
  const tree: Root = parseMarkdownTree(
    boundMarkdown(text.replace(/^\uFEFF/, ""), {
      brackets: MAX_LINK_BRACKETS,
      pipes: MAX_ROSTER_PIPES,
      containers: MAX_ROSTER_CONTAINERS,
    }),
    "gfm",
    { tableRows: MAX_ROSTER_TABLE_ROWS },
  );
  // Before any section heading a bare list is taken as the roster itself.
  const state = { section: "active" as Section, level: 0 };

  const setSection = (kind: Section, level: number) => {
    state.section = kind;
    state.level = level;
  };

  /** Paragraph lines: a `Label:` opens a section, a line naming someone is an entry, the rest is prose. */
  const paragraphLines = (content: InlineLine[], start: number, entryFirst: boolean) => {
    content.forEach((line, i) => {
      const label = labelSection(line.text);
      if (label !== null && !looksLikePerson(line)) {
        setSection(label, 7);
        return;
      }
      if (line.text.trim() === "" && line.profiles.length === 0) return;
      recordEntry(out, state.section, line, start + i, entryFirst && i === 0);
    });
  };

  const heading = (node: Heading) => {
    const title = nodeText(node).trim().replace(/:$/, "");
    const kind = classifySection(title);
    if (kind !== "other" || node.depth <= state.level) setSection(kind, node.depth);
  };

  const listItem = (item: ListItem, depth: number) => {
    const [first, ...rest] = item.children;
    const nested = item.children.some((c) => c.type === "list");
    if (first?.type === "paragraph") {
      const content = inlineLines(first.children);
      const [head, ...more] = content;
      if (head !== undefined) {
        const hasHandle = entryHandles(head).length > 0;
        // A handle-less item above a nested list is a group label ("- Contoso" above its people).
        if (hasHandle || !nested || looksLikePerson(head)) recordEntry(out, state.section, head, lineOf(first), true);
      }
      paragraphLines(more, lineOf(first) + 1, false);
    }
    for (const child of first?.type === "paragraph" ? rest : item.children) block(child, depth + 1);
  };

  const list = (node: List, depth: number) => {
    if (depth > MAX_DEPTH) {
      out.warn(lineOf(node), `lists nested deeper than ${MAX_DEPTH} levels are not read`);
      return;
    }
    for (const item of node.children) listItem(item, depth);
  };

  const table = (node: Table) => {
    const [header, ...rows] = node.children;
    if (header === undefined) return;
    const titles = header.children.map((cell) => nodeText(cell).trim().toLowerCase());
    const handleColumn = titles.findIndex((t) => /github|handle|login|user\s*name/.test(t));
    const roleColumn = titles.findIndex((t) => /role|status|position/.test(t));
    for (const row of rows) {
      const cells = row.children.map((cell) => {
        const parts = inlineLines(cell.children);
        return {
          text: parts.map((p) => p.text).join(" "),
          profiles: parts.flatMap((p) => p.profiles),
          email: parts.some((p) => p.email),
        };
      });
      const role = roleColumn >= 0 ? (cells[roleColumn]?.text ?? "") : "";
      // A `Reviewer` row in a maintainers table is not a maintainer.
      const section: Section =
        state.section === "active" && classifySection(role) === "reviewer" ? "reviewer" : state.section;
      const lineNo = lineOf(row);
      const column = handleColumn >= 0 ? cells[handleColumn] : undefined;
      if (column !== undefined) {
        // In a GitHub column a handle written without @ is a handle.
        const bare = BARE_WORD.exec(column.text.trim());
        const named = entryHandles(column).length > 0;
        const cell = !named && bare ? { ...column, text: `@${bare[1] ?? ""}` } : column;
        recordEntry(out, section, cell, lineNo, true);
        continue;
      }
      // No GitHub column: the first cell that names somebody; a row naming nobody is a header or prose.
      const named = cells.find((c) => entryHandles(c).length > 0) ?? cells.find((c) => looksLikePerson(c));
      if (named) recordEntry(out, section, named, lineNo, true);
    }
  };

  const block = (node: Nodes, depth: number) => {
    switch (node.type) {
      case "heading":
        heading(node);
        break;
      case "paragraph":
        paragraphLines(inlineLines(node.children), lineOf(node), false);
        break;
      case "list":
        list(node, depth);
        break;
      case "table":
        table(node);
        break;
      case "code": {
        // Four-space indented lines render as code on GitHub, not as a list: say so rather than drop them.
        const first = lines[lineOf(node) - 1] ?? "";
        if (/^\s{0,3}(?:```|~~~)/.test(first) || state.section === "other" || state.section === "reviewer") break;
        const start = lineOf(node);
        node.value.split("\n").forEach((text, i) => {
          if (looksLikePerson(plainLine(text))) {
            out.warn(start + i, "indented four spaces, so markdown shows it as code, not as a list entry; not read");
          }
        });
        break;
      }
      case "blockquote":
        if (depth <= MAX_DEPTH) for (const child of node.children) block(child, depth + 1);
        break;
      default:
        // Code blocks, HTML (comments), thematic breaks and definitions name nobody.
        break;
    }
  };

  for (const node of tree.children) block(node, 0);
  return out.build();
}

// ---------------------------------------------------------------------------------------------
// Plain text (OCI-style MAINTAINERS: `Name <email> (@handle)` lines)

const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;

function plainLine(text: string): InlineLine {
  const profiles: string[] = [];
  for (const m of text.matchAll(PROFILE_IN_TEXT)) if (m[1] !== undefined) profiles.push(m[1]);
  // Email addresses are not mentions: hide them before looking for @handles.
  const email = hasEmail(text);
  return { text, profiles: mentions(text.replace(/<[^<>]*>/g, " <email> ")).length > 0 ? [] : profiles, email };
}

function parsePlain(file: string, lines: readonly string[]): Roster {
  const out = new RosterBuilder(file, lines);
  let section: Section = "active";
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    if (raw.length > MAX_LINE) {
      out.warn(lineNo, `line longer than ${MAX_LINE} characters ignored`);
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    if (trimmed.startsWith("#")) {
      // `# Emeritus Org Maintainers` opens a section; other comments (`# Pattern: …`) do not.
      const kind = classifySection(trimmed.replace(/^#+/, ""));
      if (kind !== "other" && kind !== "unclear") section = kind;
      continue;
    }
    const label = labelSection(trimmed);
    const body = trimmed.replace(LIST_MARKER, "").replace(/<[^<>]*@[^<>]*>/g, " <email> ");
    const line = plainLine(trimmed.replace(LIST_MARKER, ""));
    if (label !== null && !looksLikePerson(line)) {
      section = label;
      continue;
    }
    const entry: InlineLine = { text: body, profiles: line.profiles, email: line.email };
    recordEntry(out, section, entry, lineNo, LIST_MARKER.test(trimmed));
  }
  return out.build();
}

// ---------------------------------------------------------------------------------------------
// CODEOWNERS

/** Splits a CODEOWNERS line on unescaped whitespace; an unescaped `#` starting a token ends the line. */
function codeownersTokens(line: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? "";
    if (ch === "\\" && i + 1 < line.length) {
      current += ch + (line[i + 1] ?? "");
      started = true;
      i += 1;
      continue;
    }
    if (ch === " " || ch === "\t") {
      if (started) tokens.push(current);
      current = "";
      started = false;
      continue;
    }
    if (ch === "#" && !started) break;
    current += ch;
    started = true;
  }
  if (started) tokens.push(current);
  return tokens;
}

/** Patterns that match every file of the repository: their owners are the repository's maintainers. */
const GLOBAL_PATTERNS = new Set(["*", "**", "/*", "/**", "**/*", "/**/*"]);

function parseCodeowners(file: string, lines: readonly string[]): Roster {
  const out = new RosterBuilder(file, lines);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (raw.length > MAX_LINE) {
      out.warn(lineNo, `line longer than ${MAX_LINE} characters ignored`);
      continue;
    }
    // Section headers of other code hosts (`[Docs]`, `^[Docs]`) are not rules.
    if (/^\^?\[/.test(trimmed)) continue;
    const [pattern, ...owners] = codeownersTokens(trimmed);
    // Path-specific owners (`/docs/ @writer`) own part of the tree; they are not repository maintainers.
    if (pattern === undefined || !GLOBAL_PATTERNS.has(pattern)) continue;
    for (const owner of owners) {
      if (owner.startsWith("@")) {
        const body = owner.slice(1);
        const slash = body.indexOf("/");
        if (slash >= 0) {
          const org = body.slice(0, slash);
          const slug = body.slice(slash + 1);
          if (isValidHandle(org) && TEAM_SLUG.test(slug)) out.addTeam(org, slug);
          else out.warn(lineNo, `${owner} is not a valid @org/team`);
        } else if (isValidHandle(body)) {
          out.addActive(body, lineNo);
        } else {
          out.warn(lineNo, `${owner} is not a valid GitHub handle`);
        }
      } else if (owner.includes("@")) {
        out.warn(lineNo, `${owner} is an email address; it cannot be mapped to a GitHub handle`);
      } else {
        out.warn(lineNo, `${owner} is not an @user, @org/team or email owner`);
      }
    }
  }
  return out.build();
}

// ---------------------------------------------------------------------------------------------
// CSV (`"handle","Name","email"` in `# MAINTAINERS` / `# REVIEWERS` sections)

/** Parses one CSV line (double-quoted fields with `""` escapes, or bare fields); null if malformed. */
function parseCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === " " || line[i] === "\t") i += 1;
    let field = "";
    if (line[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= line.length) return null; // unterminated quote
        const ch = line[i];
        if (ch === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += ch;
        i += 1;
      }
      while (line[i] === " " || line[i] === "\t") i += 1;
      if (i < line.length && line[i] !== ",") return null;
    } else {
      const next = line.indexOf(",", i);
      const end = next < 0 ? line.length : next;
      field = line.slice(i, end).trim();
      if (field.includes('"')) return null;
      i = end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i += 1; // the comma
  }
}

const HEADER_WORDS = new Set([
  "handle",
  "github",
  "github handle",
  "github_handle",
  "github id",
  "login",
  "user",
  "username",
  "name",
  "full name",
  "fullname",
  "email",
  "e-mail",
  "email address",
  "mail",
  "company",
  "affiliation",
  "gpg fingerprint",
]);

function parseCsv(file: string, lines: readonly string[]): Roster {
  const out = new RosterBuilder(file, lines);
  let firstRow = true;
  let section: Section = "active";
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    if (raw.length > MAX_LINE) {
      out.warn(lineNo, `line longer than ${MAX_LINE} characters ignored`);
      firstRow = false;
      continue;
    }
    if (trimmed.startsWith("#")) {
      // `# MAINTAINERS`, `# COMMITTERS`, `# REVIEWERS`, `# EMERITUS` open sections; prose comments do not.
      const kind = classifySection(trimmed.replace(/^#+/, ""));
      if (kind !== "other" && kind !== "unclear") section = kind;
      continue;
    }
    const fields = parseCsvLine(trimmed);
    const isFirst = firstRow;
    firstRow = false;
    if (fields === null) {
      out.warn(lineNo, 'not a CSV row like "handle","Name","email"');
      continue;
    }
    const handle = displayLogin(fields[0] ?? "");
    const header = fields.every((field) => HEADER_WORDS.has(field.trim().toLowerCase()));
    if (isFirst && header) continue;
    if (!isValidHandle(handle)) {
      if (section !== "reviewer") out.warn(lineNo, `${warningText(fields[0] ?? "")} is not a valid GitHub handle`);
      continue;
    }
    if (section === "active") out.addActive(handle, lineNo);
    else if (section === "emeritus") out.addEmeritus(handle, lineNo);
    // Reviewers are not maintainers: read, understood, not admitted.
  }
  return out.build();
}

// ---------------------------------------------------------------------------------------------
// YAML (helm and Kubernetes OWNERS, `teams:` lists)

/** The text of a scalar node (every scalar is a string under the failsafe schema). */
function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

/** Kubernetes OWNERS_ALIASES names (`sig-foo-approvers`): not people, and not expanded here. */
const ALIAS_NAME = /(?:^sig-|-(?:approvers|reviewers|maintainers|owners|admins|leads|team|emeritus)$)/i;

const YAML_ACTIVE = new Set(["maintainers", "owners", "approvers"]);
const YAML_EMERITUS = new Set(["emeritus", "emeritus_approvers", "emeritus_maintainers", "former_maintainers"]);
const YAML_NOT_MAINTAINERS = new Set(["reviewers", "emeritus_reviewers", "triage", "required_reviewers"]);

/**
 * Reads a YAML roster. Returns null only when the format was guessed from content (not from a
 * `.yml`/`.yaml` name) and the text is not such a roster, so the caller falls back to plain text.
 */
function parseYamlRoster(file: string, text: string, lines: readonly string[], sniffed: boolean): Roster | null {
  const out = new RosterBuilder(file, lines);
  const lineCounter = new LineCounter();
  // The failsafe schema keeps every scalar a string, so handles such as `123` or `null` survive.
  const doc = parseDocument(text, { lineCounter, schema: "failsafe", uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const nodeLine = (node: YamlNode | null | undefined): number => lineAt(node?.range?.[0]);

  if (doc.errors.length > 0) {
    if (sniffed) return null;
    for (const error of doc.errors) {
      out.warn(lineAt(error.pos[0]), `YAML error: ${error.message.split("\n")[0] ?? ""}`);
    }
    return out.build();
  }

  const root = doc.contents;
  if (!isMap(root)) {
    if (sniffed) return null;
    out.warn(1, "expected a mapping with `maintainers:`, `approvers:`, `emeritus:` or `teams:`");
    return out.build();
  }

  const readMembers = (node: unknown, add: ((login: string, line: number) => void) | null, k8s: boolean) => {
    if (node === null || node === undefined) return;
    // `members:` with nothing after it: an empty list.
    if (isScalar(node) && (node.value === null || node.value === "")) return;
    if (!isSeq(node)) {
      out.warn(nodeLine(node as YamlNode), "expected a list of GitHub handles");
      return;
    }
    for (const member of node.items) {
      let value = scalarText(member);
      if (isMap(member)) {
        for (const key of ["login", "github", "handle", "username"]) value ??= scalarText(member.get(key, true));
      }
      const line = nodeLine(member as YamlNode);
      const login = value === undefined ? "" : displayLogin(value);
      if (add === null) continue; // reviewers and triagers: understood, not maintainers
      if (!isValidHandle(login)) out.warn(line, "member is not a GitHub handle");
      else if (k8s && ALIAS_NAME.test(login))
        out.warn(line, `${login} looks like an OWNERS_ALIASES alias; aliases are not expanded, list the people`);
      else add(login, line);
    }
  };

  const addActive = (login: string, line: number) => out.addActive(login, line);
  const addEmeritus = (login: string, line: number) => out.addEmeritus(login, line);

  const k8s = root.items.some((pair) => {
    const key = isScalar(pair.key) ? String(pair.key.value).toLowerCase() : "";
    return key === "approvers" || key === "reviewers" || key === "filters" || key === "emeritus_approvers";
  });

  /** Reads one mapping of role keys (the file itself, or a `filters` entry). */
  const readRoles = (map: unknown, global: boolean): boolean => {
    if (!isMap(map)) return false;
    let recognised = false;
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value).toLowerCase() : "";
      if (YAML_ACTIVE.has(key)) {
        recognised = true;
        // A path filter's approvers own part of the tree only: not repository maintainers.
        readMembers(pair.value, global ? addActive : null, k8s);
      } else if (YAML_EMERITUS.has(key)) {
        recognised = true;
        readMembers(pair.value, addEmeritus, k8s);
      } else if (YAML_NOT_MAINTAINERS.has(key)) {
        recognised = true;
        readMembers(pair.value, null, k8s);
      }
    }
    return recognised;
  };

  let recognised = readRoles(root, true);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value).toLowerCase() : "";
    if (key === "teams") {
      recognised = true;
      const teams = pair.value;
      if (teams === null || teams === undefined) continue;
      if (!isSeq(teams)) {
        out.warn(nodeLine(teams as YamlNode), "`teams` must be a list");
        continue;
      }
      for (const team of teams.items) {
        if (!isMap(team)) {
          out.warn(nodeLine(team as YamlNode), "a team must be a mapping with `name` and `members`");
          continue;
        }
        const name = scalarText(team.get("name", true)) ?? "";
        const kind = classifySection(name);
        const add = kind === "emeritus" ? addEmeritus : kind === "reviewer" ? null : addActive;
        readMembers(team.get("members", true), add, false);
      }
    } else if (key === "filters") {
      recognised = true;
      const filters = pair.value;
      if (!isMap(filters)) continue;
      for (const filter of filters.items) {
        const pattern = isScalar(filter.key) ? String(filter.key.value) : "";
        readRoles(filter.value, pattern === ".*");
      }
    } else if (key === "aliases") {
      recognised = true;
      out.warn(nodeLine(pair.key as YamlNode), "OWNERS_ALIASES aliases are not maintainers; list the people in OWNERS");
    }
  }
  if (!recognised) {
    if (sniffed) return null;
    out.warn(1, "no `maintainers:`, `approvers:`, `emeritus:` or `teams:` list found");
  }
  return out.build();
}
