/**
 * Roster files: who maintains a repository, read from the files the repository already has.
 *
 * Formats understood (all seen in ORAS repositories):
 * - Markdown (`OWNERS.md`, `MAINTAINERS.md`, and any unknown file): sections such as `Owners:`,
 *   `Maintainers:`, `Emeritus:` or `## Owners`, entries as list items `- Full Name (@handle)`,
 *   `- Name <email> (@handle)`, `- @handle` or `- [Name](https://github.com/handle)`.
 * - `CODEOWNERS`: rule lines `<pattern> <owner>…`; `@user` owners are active, `@org/team` owners are teams.
 * - CSV rows `"handle","Name","email"` (an inherited Docker-style MAINTAINERS file).
 * - YAML: `teams: [{ name, members: [handles] }]`.
 *
 * Parsing never throws: anything that cannot be read becomes a warning naming the file and line,
 * so the workflow can say why a repository has fewer maintainers than expected.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import { displayLogin, isValidHandle, loginKey, TEAM_SLUG } from "./handles.js";

export { loginKey, sameLogin } from "./handles.js";

export interface Person {
  /** GitHub login in the casing first seen. */
  login: string;
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
  /** Former maintainers; nobody here is also in `active`. */
  emeritus: Person[];
  /** Teams as `org/team`. */
  teams: string[];
  warnings: RosterWarning[];
}

export type RosterFormat = "markdown" | "codeowners" | "csv" | "yaml";

/** Longest line looked at; longer lines are reported and skipped (keeps parsing linear). */
const MAX_LINE = 2000;
/** Warnings kept per file; the rest are summarised in one last warning. */
const MAX_WARNINGS = 50;
const WARNING_TEXT_MAX = 120;
/** Largest YAML roster parsed; real rosters are a few KiB and the YAML parser is the slow one. */
const MAX_YAML = 256 * 1024;

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
  private dropped = 0;

  constructor(readonly file: string) {}

  addActive(login: string): void {
    const key = loginKey(login);
    if (!this.active.has(key)) this.active.set(key, { login: displayLogin(login) });
  }

  addEmeritus(login: string): void {
    const key = loginKey(login);
    if (!this.emeritus.has(key)) this.emeritus.set(key, { login: displayLogin(login) });
  }

  addTeam(org: string, slug: string): void {
    const team = `${org}/${slug}`;
    const key = team.toLowerCase();
    if (!this.teams.has(key)) this.teams.set(key, team);
  }

  warn(line: number, text: string, reason: string): void {
    if (this.warnings.length >= MAX_WARNINGS) {
      this.dropped += 1;
      return;
    }
    this.warnings.push({ file: this.file, line, text: warningText(text), reason });
  }

  build(): Roster {
    const warnings = [...this.warnings];
    if (this.dropped > 0) {
      warnings.push({ file: this.file, line: 1, text: "", reason: `${this.dropped} more problems not listed` });
    }
    return {
      active: [...this.active.values()],
      emeritus: [...this.emeritus.entries()].filter(([key]) => !this.active.has(key)).map(([, person]) => person),
      teams: [...this.teams.values()],
      warnings,
    };
  }
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

/** Chooses the parser: by file name first (`CODEOWNERS`, `.yml`/`.yaml`), then by content. */
export function detectRosterFormat(path: string, text: string): RosterFormat {
  const name = baseName(path).toLowerCase();
  if (name === "codeowners") return "codeowners";
  if (name.endsWith(".yml") || name.endsWith(".yaml")) return "yaml";
  const first = firstMeaningfulLine(splitLines(text.length > 100_000 ? text.slice(0, 100_000) : text));
  if (first === undefined) return "markdown";
  if (first.length <= MAX_LINE && first.startsWith('"') && (parseCsvLine(first)?.length ?? 0) >= 2) return "csv";
  if (/^teams\s*:/.test(first)) return "yaml";
  return "markdown";
}

/**
 * Reads one roster file. Never throws: unreadable entries become warnings. Identity is
 * case-insensitive; the first spelling of a login is kept.
 */
export function parseRoster(path: string, text: string): Roster {
  try {
    const format = detectRosterFormat(path, text);
    const lines = splitLines(text);
    switch (format) {
      case "codeowners":
        return parseCodeowners(path, lines);
      case "csv":
        return parseCsv(path, lines);
      case "yaml": {
        const sniffed = !/\.ya?ml$/i.test(baseName(path));
        const roster = parseYamlRoster(path, text, lines, sniffed);
        return roster ?? parseMarkdown(path, lines);
      }
      default:
        return parseMarkdown(path, lines);
    }
  } catch (error) {
    const roster = emptyRoster();
    const reason = error instanceof Error ? error.message : String(error);
    roster.warnings.push({ file: path, line: 1, text: "", reason: `could not be read: ${warningText(reason)}` });
    return roster;
  }
}

/**
 * The union of several roster files of one repository: anyone active in any file is active; the
 * emeritus list keeps only people active in none.
 */
export function mergeRosters(rosters: readonly Roster[]): Roster {
  const active = new Map<string, Person>();
  const emeritus = new Map<string, Person>();
  const teams = new Map<string, string>();
  const warnings: RosterWarning[] = [];
  for (const roster of rosters) {
    for (const person of roster.active) {
      const key = loginKey(person.login);
      if (!active.has(key)) active.set(key, { login: person.login });
    }
    for (const person of roster.emeritus) {
      const key = loginKey(person.login);
      if (!emeritus.has(key)) emeritus.set(key, { login: person.login });
    }
    for (const team of roster.teams) {
      const key = team.toLowerCase();
      if (!teams.has(key)) teams.set(key, team);
    }
    warnings.push(...roster.warnings);
  }
  return {
    active: [...active.values()],
    emeritus: [...emeritus.entries()].filter(([key]) => !active.has(key)).map(([, person]) => person),
    teams: [...teams.values()],
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown (OWNERS.md, MAINTAINERS.md, unknown files)

type Section = "active" | "emeritus" | "other";

const EMERITUS_WORDS = /emerit|former|alumni|retired|past|inactive|previous/;
const ACTIVE_WORDS = /owner|maintainer|approver|lead|core|current|active|committer/;

function classifySection(title: string): Section {
  const lower = title.toLowerCase();
  if (EMERITUS_WORDS.test(lower)) return "emeritus";
  if (ACTIVE_WORDS.test(lower)) return "active";
  return "other";
}

/** Removes trailing `#` characters and whitespace from an ATX heading's text. */
function headingTitle(rest: string): string {
  let title = rest.trimEnd();
  while (title.endsWith("#")) title = title.slice(0, -1);
  return title.trim();
}

type Found =
  | { kind: "user"; login: string }
  | { kind: "team"; org: string; slug: string }
  | { kind: "invalid"; reason: string };

const MENTION = /(?<![A-Za-z0-9._%+=/\\-])@([A-Za-z0-9_.-]+)(?:\/([A-Za-z0-9_.-]+))?/;
const PROFILE_LINK = /(?:^|[^A-Za-z0-9.-])(?:www\.)?github\.com\/([A-Za-z0-9_.-]+)\/?(?=$|[\s)>\]"'?#,;])/i;

function stripTrailingPunctuation(token: string): string {
  let end = token.length;
  while (end > 0 && (token[end - 1] === "." || token[end - 1] === "_")) end -= 1;
  return token.slice(0, end);
}

/** Finds the person (or team) an entry names: an `@mention` first, else a github.com profile link. */
function findHandle(text: string): Found | null {
  const mention = MENTION.exec(text);
  if (mention) {
    const first = stripTrailingPunctuation(mention[1] ?? "");
    const slug = mention[2] === undefined ? undefined : stripTrailingPunctuation(mention[2]);
    if (slug !== undefined && slug !== "") {
      if (isValidHandle(first) && TEAM_SLUG.test(slug)) return { kind: "team", org: first, slug };
      return { kind: "invalid", reason: `@${first}/${slug} is not a valid @org/team` };
    }
    if (isValidHandle(first)) return { kind: "user", login: first };
    return { kind: "invalid", reason: `@${first} is not a valid GitHub handle` };
  }
  const link = PROFILE_LINK.exec(text);
  if (link) {
    const login = link[1] ?? "";
    if (isValidHandle(login)) return { kind: "user", login };
    return { kind: "invalid", reason: `github.com/${login} is not a valid GitHub handle` };
  }
  return null;
}

const LIST_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TABLE_SEPARATOR = /^\|?[\s:|-]*$/;

/** Removes HTML comments; returns the visible text and whether a comment is still open. */
function stripHtmlComments(line: string, inComment: boolean): { visible: string; inComment: boolean } {
  let visible = "";
  let rest = line;
  let open = inComment;
  for (;;) {
    if (open) {
      const end = rest.indexOf("-->");
      if (end < 0) return { visible, inComment: true };
      rest = rest.slice(end + 3);
      open = false;
    } else {
      const start = rest.indexOf("<!--");
      if (start < 0) return { visible: visible + rest, inComment: false };
      visible += rest.slice(0, start);
      rest = rest.slice(start + 4);
      open = true;
    }
  }
}

function indentWidth(indent: string): number {
  let width = 0;
  for (const ch of indent) width += ch === "\t" ? 4 : 1;
  return width;
}

function parseMarkdown(file: string, lines: readonly string[]): Roster {
  const out = new RosterBuilder(file);
  // Before any section heading a bare list is taken as the roster itself.
  let section: Section = "active";
  // Level of the heading that opened the section (0: the document itself, 7: a `Label:` line).
  // A deeper heading with an unrelated title (a company, a sub-project) stays in the section.
  let sectionLevel = 0;
  let inComment = false;
  let fence: string | null = null;
  // A handle-less item in an active section may be a group label ("- Microsoft" above nested
  // entries); it is reported only if the next line is not a deeper list item.
  let pending: { line: number; text: string; indent: number } | null = null;
  const flushPending = () => {
    if (pending) out.warn(pending.line, pending.text, "list entry without an @handle or github.com/handle link");
    pending = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    if (raw.length > MAX_LINE) {
      if (section === "active") out.warn(lineNo, raw, `line longer than ${MAX_LINE} characters ignored`);
      continue;
    }
    const fenceMatch = /^\s{0,3}(```|~~~)/.exec(raw);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1] === fence) fence = null;
      continue;
    }
    if (!inComment && fenceMatch) {
      fence = fenceMatch[1] ?? null;
      continue;
    }
    const stripped = stripHtmlComments(raw, inComment);
    inComment = stripped.inComment;
    const line = stripped.visible;
    const trimmed = line.trim();
    if (trimmed === "") continue;

    const item = LIST_ITEM.exec(line);
    if (pending !== null) {
      const deeper = item !== null && indentWidth(item[1] ?? "") > pending.indent;
      if (deeper) pending = null;
      else flushPending();
    }

    const heading = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      const title = headingTitle(heading[2] ?? "").replace(/:$/, "");
      const kind = classifySection(title);
      if (kind !== "other" || level <= sectionLevel) {
        section = kind;
        sectionLevel = level;
      }
      continue;
    }

    if (item) {
      const text = (item[2] ?? "").trim();
      if (text === "" || /^[-*_\s]+$/.test(text)) continue; // empty item or thematic break
      const found = findHandle(text);
      if (section === "active") {
        if (found === null) pending = { line: lineNo, text: line, indent: indentWidth(item[1] ?? "") };
        else if (found.kind === "user") out.addActive(found.login);
        else if (found.kind === "team") out.addTeam(found.org, found.slug);
        else out.warn(lineNo, line, found.reason);
      } else if (section === "emeritus" && found?.kind === "user") {
        out.addEmeritus(found.login);
      }
      continue;
    }

    if (trimmed.startsWith("|")) {
      if (TABLE_SEPARATOR.test(trimmed)) continue;
      // Table rows without a handle are usually the header row: skipped silently.
      const found = findHandle(trimmed);
      if (section === "active") {
        if (found?.kind === "user") out.addActive(found.login);
        else if (found?.kind === "team") out.addTeam(found.org, found.slug);
        else if (found?.kind === "invalid") out.warn(lineNo, line, found.reason);
      } else if (section === "emeritus" && found?.kind === "user") {
        out.addEmeritus(found.login);
      }
      continue;
    }

    // A short line ending with a colon (`Owners:`, `**Emeritus**:`) opens a section.
    const label = trimmed.replace(/[*_]/g, "").trim();
    if (label.endsWith(":") && label.length <= 80) {
      section = classifySection(label.slice(0, -1));
      sectionLevel = 7;
    }
    // Any other line is prose ("Owners are also maintainers.") and is not a roster entry.
  }
  flushPending();
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

function parseCodeowners(file: string, lines: readonly string[]): Roster {
  const out = new RosterBuilder(file);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (raw.length > MAX_LINE) {
      out.warn(lineNo, raw, `line longer than ${MAX_LINE} characters ignored`);
      continue;
    }
    // Section headers of other code hosts (`[Docs]`, `^[Docs]`) are not rules.
    if (/^\^?\[/.test(trimmed)) continue;
    const [, ...owners] = codeownersTokens(trimmed);
    for (const owner of owners) {
      if (owner.startsWith("@")) {
        const body = owner.slice(1);
        const slash = body.indexOf("/");
        if (slash >= 0) {
          const org = body.slice(0, slash);
          const slug = body.slice(slash + 1);
          if (isValidHandle(org) && TEAM_SLUG.test(slug)) out.addTeam(org, slug);
          else out.warn(lineNo, raw, `${owner} is not a valid @org/team`);
        } else if (isValidHandle(body)) {
          out.addActive(body);
        } else {
          out.warn(lineNo, raw, `${owner} is not a valid GitHub handle`);
        }
      } else if (owner.includes("@")) {
        out.warn(lineNo, raw, `${owner} is an email address; it cannot be mapped to a GitHub handle`);
      } else {
        out.warn(lineNo, raw, `${owner} is not an @user, @org/team or email owner`);
      }
    }
  }
  return out.build();
}

// ---------------------------------------------------------------------------------------------
// CSV (`"handle","Name","email"`)

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
  "login",
  "user",
  "username",
  "name",
  "full name",
  "fullname",
  "email",
  "e-mail",
  "mail",
  "company",
  "affiliation",
]);

function parseCsv(file: string, lines: readonly string[]): Roster {
  const out = new RosterBuilder(file);
  let firstRow = true;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (raw.length > MAX_LINE) {
      out.warn(lineNo, raw, `line longer than ${MAX_LINE} characters ignored`);
      firstRow = false;
      continue;
    }
    const fields = parseCsvLine(trimmed);
    const isFirst = firstRow;
    firstRow = false;
    if (fields === null) {
      out.warn(lineNo, raw, 'not a CSV row like "handle","Name","email"');
      continue;
    }
    const handle = displayLogin(fields[0] ?? "");
    const header = fields.every((field) => HEADER_WORDS.has(field.trim().toLowerCase()));
    if (isFirst && (header || !isValidHandle(handle))) continue;
    if (isValidHandle(handle)) out.addActive(handle);
    else out.warn(lineNo, raw, `${warningText(fields[0] ?? "")} is not a valid GitHub handle`);
  }
  return out.build();
}

// ---------------------------------------------------------------------------------------------
// YAML (`teams: [{ name, members: [handles] }]`)

function lineText1(lines: readonly string[]): string {
  const first = lines[0] ?? "";
  return first.length > MAX_LINE ? first.slice(0, MAX_LINE) : first;
}

/** The text of a scalar node (every scalar is a string under the failsafe schema). */
function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

/**
 * Reads a YAML roster. Returns null only when the format was guessed from content (not from a
 * `.yml`/`.yaml` name) and the text is not such a roster, so the caller falls back to markdown.
 */
function parseYamlRoster(file: string, text: string, lines: readonly string[], sniffed: boolean): Roster | null {
  const out = new RosterBuilder(file);
  if (text.length > MAX_YAML) {
    if (sniffed) return null;
    out.warn(1, lineText1(lines), `YAML roster larger than ${MAX_YAML / 1024} KiB ignored`);
    return out.build();
  }
  const lineCounter = new LineCounter();
  // The failsafe schema keeps every scalar a string, so handles such as `123` or `null` survive.
  const doc = parseDocument(text, { lineCounter, schema: "failsafe", uniqueKeys: false, prettyErrors: false });
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const lineText = (line: number): string => lines[line - 1] ?? "";
  const nodeLine = (node: YamlNode | null | undefined): number => lineOf(node?.range?.[0]);

  if (doc.errors.length > 0) {
    if (sniffed) return null;
    for (const error of doc.errors) {
      const line = lineOf(error.pos[0]);
      const message = error.message.split("\n")[0] ?? "";
      out.warn(line, lineText(line), `YAML error: ${message}`);
    }
    return out.build();
  }

  const root = doc.contents;
  if (!isMap(root)) {
    if (sniffed) return null;
    out.warn(1, lineText(1), "expected a mapping with a `teams:` list");
    return out.build();
  }

  const readMembers = (node: unknown, add: (login: string) => void) => {
    if (node === null || node === undefined) return;
    // `members:` with nothing after it: an empty team.
    if (isScalar(node) && (node.value === null || node.value === "")) return;
    if (!isSeq(node)) {
      const line = nodeLine(node as YamlNode);
      out.warn(line, lineText(line), "members must be a list of handles");
      return;
    }
    for (const member of node.items) {
      let value = scalarText(member);
      if (isMap(member)) {
        for (const key of ["login", "github", "handle", "username"]) value ??= scalarText(member.get(key, true));
      }
      const login = value === undefined ? "" : displayLogin(value);
      if (isValidHandle(login)) add(login);
      else {
        const line = nodeLine(member as YamlNode);
        out.warn(line, lineText(line), "member is not a GitHub handle");
      }
    }
  };

  let recognised = false;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value).toLowerCase() : "";
    if (key === "teams") {
      recognised = true;
      const teams = pair.value;
      if (teams === null || teams === undefined) continue;
      if (!isSeq(teams)) {
        const line = nodeLine(teams as YamlNode);
        out.warn(line, lineText(line), "`teams` must be a list");
        continue;
      }
      for (const team of teams.items) {
        if (!isMap(team)) {
          const line = nodeLine(team as YamlNode);
          out.warn(line, lineText(line), "a team must be a mapping with `name` and `members`");
          continue;
        }
        const name = scalarText(team.get("name", true));
        const former = name !== undefined && EMERITUS_WORDS.test(name.toLowerCase());
        readMembers(team.get("members", true), (login) => (former ? out.addEmeritus(login) : out.addActive(login)));
      }
    } else if (key === "maintainers" || key === "owners" || key === "approvers") {
      recognised = true;
      readMembers(pair.value, (login) => out.addActive(login));
    } else if (key === "emeritus") {
      recognised = true;
      readMembers(pair.value, (login) => out.addEmeritus(login));
    }
  }
  if (!recognised) {
    if (sniffed) return null;
    out.warn(1, lineText(1), "no `teams:` list found");
  }
  return out.build();
}
