/**
 * Finds `/advisory <verb> [args]` commands in a comment body and validates their arguments.
 *
 * A command starts a line (after at most three spaces, as markdown allows). Text that markdown
 * shows as code or hides is never a command: fenced code blocks (``` and ~~~, unterminated ones
 * running to the end), indented code blocks, code spans (also across lines of one paragraph), block
 * quotes (`>` lines, nested or not) and HTML comments (also across lines). Where markdown is
 * ambiguous the scanner errs towards ignoring text rather than running it.
 *
 * Every step is a single left-to-right pass over the body, so the work is linear in its length.
 */
import {
  COMMAND_PREFIX,
  COMMAND_SPECS,
  type CommandArgs,
  type CommandSpec,
  DEFAULT_MAX_COMMANDS,
  isVerb,
  MAX_COMMENT_LENGTH,
  VERBS,
  type Verb,
} from "./command-specs.js";

/** A verb with its typed arguments; a discriminated union over `verb`. */
export type Command = { [V in Verb]: { verb: V; args: CommandArgs<V> } }[Verb];

export type ParsedCommand = Command & {
  /** 1-based line of the comment the command is on. */
  line: number;
  /** The command's line, trimmed, exactly as written. */
  text: string;
};

export interface CommandError {
  /** 1-based line of the comment the problem is on. */
  line: number;
  /** The line, trimmed, exactly as written (empty when the problem is not one line's). */
  text: string;
  message: string;
}

export interface ParseOptions {
  /** At most this many command lines are read; default 10. */
  maxCommands?: number;
}

export interface ParseResult {
  commands: ParsedCommand[];
  errors: CommandError[];
}

/** `/advisory verb args` for a command: the line that parses back to it. */
export function formatCommand(command: Command): string {
  const spec = COMMAND_SPECS[command.verb] as CommandSpec;
  const args = (spec.format as (a: unknown) => string)(command.args);
  return args === "" ? `${COMMAND_PREFIX} ${command.verb}` : `${COMMAND_PREFIX} ${command.verb} ${args}`;
}

export function parseCommands(commentBody: string, options: ParseOptions = {}): ParseResult {
  const maxCommands = normalizeMax(options.maxCommands);
  const commands: ParsedCommand[] = [];
  const errors: CommandError[] = [];

  let body = typeof commentBody === "string" ? commentBody : "";
  const truncated = body.length > MAX_COMMENT_LENGTH;
  if (truncated) {
    // Drop the cut line too, so a command is never read with half its arguments.
    const cut = body.lastIndexOf("\n", MAX_COMMENT_LENGTH);
    body = cut < 0 ? "" : body.slice(0, cut);
  }
  body = body.replaceAll("\r\n", "\n").replaceAll("\r", "\n");
  const lines = body === "" ? [] : body.split("\n");
  const truncatedAt = truncated ? lines.length + 1 : undefined;

  let seen = 0;
  for (const { index, visible } of commandLines(lines)) {
    const raw = lines[index] ?? "";
    const line = index + 1;
    const text = raw.trim();
    seen += 1;
    if (seen > maxCommands) {
      errors.push({
        line,
        text,
        message: `Too many commands: only the first ${maxCommands} of a comment are read; put the rest in a new comment.`,
      });
      break;
    }
    const outcome = parseLine(visible);
    if ("message" in outcome) errors.push({ line, text, message: outcome.message });
    else commands.push({ ...outcome, line, text } as ParsedCommand);
  }

  if (truncatedAt !== undefined) {
    errors.push({
      line: truncatedAt,
      text: "",
      message: `The comment is longer than ${MAX_COMMENT_LENGTH} characters; only its beginning was read.`,
    });
  }
  return { commands, errors };
}

function normalizeMax(max: number | undefined): number {
  if (max === undefined || !Number.isFinite(max)) return DEFAULT_MAX_COMMANDS;
  return Math.max(0, Math.floor(max));
}

// ---------------------------------------------------------------------------------------------
// One command line

const PREFIX_RE = /^\/advisory(?=\s|$)/i;

/** Parses the visible text of a line already known to start with the prefix. */
function parseLine(visible: string): Command | { message: string } {
  const words = visible
    .trim()
    .slice(COMMAND_PREFIX.length)
    .split(/\s+/)
    .filter((w) => w !== "");
  const [word, ...args] = words;
  if (word === undefined) {
    return { message: `A verb is missing; \`${COMMAND_PREFIX} help\` lists the commands.` };
  }
  const verb = word.toLowerCase();
  if (!isVerb(verb)) {
    const suggestions = suggestVerbs(verb);
    const hint =
      suggestions.length > 0
        ? ` Did you mean ${suggestions.map((s) => `\`${COMMAND_PREFIX} ${s}\``).join(" or ")}?`
        : ` \`${COMMAND_PREFIX} help\` lists the commands.`;
    return { message: `Unknown command \`${COMMAND_PREFIX} ${shown(word)}\`.${hint}` };
  }
  const spec = COMMAND_SPECS[verb] as CommandSpec;
  const result = spec.args.safeParse(args);
  if (!result.success) {
    const problem = result.error.issues[0]?.message ?? "invalid arguments";
    return { message: `${capitalize(problem)}. Usage: \`${spec.usage}\`` };
  }
  return { verb, args: result.data } as Command;
}

/** A user's word, made safe to show inside backticks. */
function shown(word: string): string {
  const clean = word.replaceAll("`", "'");
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Verbs close to an unknown word: within two edits, or that it abbreviates. */
export function suggestVerbs(word: string): Verb[] {
  const w = word.toLowerCase().slice(0, 32);
  const byDistance = VERBS.map((v) => ({ v, d: editDistance(w, v) }))
    .filter(({ d }) => d <= 2)
    .sort((a, b) => a.d - b.d);
  if (byDistance.length > 0) {
    const best = byDistance[0]?.d;
    return byDistance
      .filter(({ d }) => d === best)
      .slice(0, 3)
      .map(({ v }) => v);
  }
  if (w.length >= 2) return VERBS.filter((v) => v.startsWith(w) || w.startsWith(v)).slice(0, 3);
  return [];
}

/** Damerau–Levenshtein distance (optimal string alignment): insertions, deletions, substitutions, swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

// ---------------------------------------------------------------------------------------------
// Markdown scanning

interface Run {
  start: number;
  length: number;
}

/** Where a line's content starts, in columns (a tab advances to the next multiple of four). */
function indentation(line: string): { columns: number; offset: number } {
  let columns = 0;
  let offset = 0;
  while (offset < line.length) {
    const c = line[offset];
    if (c === " ") columns += 1;
    else if (c === "\t") columns += 4 - (columns % 4);
    else break;
    offset += 1;
  }
  return { columns, offset };
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

/** A `>` line: block quotes, quoted replies, nested quotes. */
function isQuote(line: string): boolean {
  const { columns, offset } = indentation(line);
  return columns <= 3 && line[offset] === ">";
}

interface Fence {
  char: "`" | "~";
  length: number;
  /** Column of the fence characters; the closing fence may be indented up to three more. */
  column: number;
}

const LIST_MARKER = /^(?:[-*+]|[0-9]{1,9}[.)])[ \t]+/;

/** The fence a line opens, if it is an opening code fence (also after list markers). */
function fenceOpener(line: string): Fence | undefined {
  const { columns, offset } = indentation(line);
  if (columns > 3) return undefined;
  let rest = line.slice(offset);
  let column = columns;
  // A fence may open a list item: `- ```go`. Markers are stripped a bounded number of times.
  for (let i = 0; i < 10; i++) {
    const marker = LIST_MARKER.exec(rest);
    if (!marker) break;
    column += marker[0].length;
    rest = rest.slice(marker[0].length);
  }
  const char = rest[0];
  if (char !== "`" && char !== "~") return undefined;
  let length = 0;
  while (rest[length] === char) length += 1;
  if (length < 3) return undefined;
  if (char === "`" && rest.indexOf("`", length) >= 0) return undefined;
  return { char, length, column };
}

function closesFence(line: string, fence: Fence): boolean {
  const { columns, offset } = indentation(line);
  if (columns > fence.column + 3) return false;
  let i = offset;
  while (line[i] === fence.char) i += 1;
  return i - offset >= fence.length && line.slice(i).trim() === "";
}

/** Maximal runs of backticks in a line. */
function backtickRuns(line: string): Run[] {
  const runs: Run[] = [];
  let i = line.indexOf("`");
  while (i >= 0) {
    let j = i;
    while (line[j] === "`") j += 1;
    runs.push({ start: i, length: j - i });
    i = line.indexOf("`", j);
  }
  return runs;
}

const NO_RUNS: ReadonlyMap<number, number> = new Map();

/**
 * For each line, and each backtick run length on it, the next line of the same paragraph with a run
 * of that length (or -1): whether a code span opened on a line closes on a later one.
 */
function laterRunLines(lines: string[], runs: Run[][]): Array<ReadonlyMap<number, number>> {
  const next: Array<ReadonlyMap<number, number>> = new Array(lines.length).fill(NO_RUNS);
  let seen = new Map<number, number>();
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    const lineRuns = runs[i] ?? [];
    if (lineRuns.length > 0) {
      const here = new Map<number, number>();
      for (const run of lineRuns) here.set(run.length, seen.get(run.length) ?? -1);
      next[i] = here;
    }
    if (isBlank(line) || isQuote(line) || fenceOpener(line) !== undefined) {
      if (seen.size > 0) seen = new Map();
    } else {
      for (const run of lineRuns) seen.set(run.length, i);
    }
  }
  return next;
}

type State =
  | { kind: "text" }
  | { kind: "fence"; fence: Fence }
  | { kind: "comment" }
  | { kind: "code"; length: number };

interface CommandLine {
  /** 0-based line index. */
  index: number;
  /** The line without its HTML comments. */
  visible: string;
}

/** Yields, in order, the lines that are commands as markdown renders them. */
function* commandLines(lines: string[]): Generator<CommandLine> {
  const runs = lines.map(backtickRuns);
  const later = laterRunLines(lines, runs);
  let state: State = { kind: "text" };
  let inParagraph = false;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const lineRuns = runs[index] ?? [];
    const lineLater = later[index] ?? NO_RUNS;

    if (state.kind === "fence") {
      if (closesFence(line, state.fence)) state = { kind: "text" };
      continue;
    }

    let from = 0;
    let startsVisible = true;
    if (state.kind === "comment") {
      const end = line.indexOf("-->");
      if (end < 0) continue;
      state = { kind: "text" };
      from = end + 3;
      startsVisible = false;
    } else if (state.kind === "code") {
      const length: number = state.length;
      const closer = lineRuns.find((r) => r.length === length);
      if (closer === undefined) continue;
      state = { kind: "text" };
      from = closer.start + closer.length;
      startsVisible = false;
    }

    if (startsVisible) {
      if (isBlank(line)) {
        inParagraph = false;
        continue;
      }
      if (isQuote(line)) {
        inParagraph = false;
        continue;
      }
      const fence = fenceOpener(line);
      if (fence !== undefined) {
        state = { kind: "fence", fence };
        inParagraph = false;
        continue;
      }
      const { columns } = indentation(line);
      if (columns >= 4 && !inParagraph) continue; // an indented code block
    }

    const scan = scanInline(line, from, lineRuns, lineLater);
    state = scan.state;
    inParagraph = true;

    if (startsVisible) {
      const { columns, offset } = indentation(line);
      // The source line itself must start with the prefix; the visible text gives the arguments.
      if (columns <= 3 && PREFIX_RE.test(line.slice(offset))) yield { index, visible: scan.visible.trimStart() };
    }
  }
}

/**
 * Scans a line's inline code spans and HTML comments from `from`; returns the state at the end of
 * the line and the line's text with HTML comments removed.
 */
function scanInline(
  line: string,
  from: number,
  runs: Run[],
  later: ReadonlyMap<number, number>,
): { state: State; visible: string } {
  // For each run, the index of the next run of the same length on this line (or -1).
  const nextSame: number[] = new Array(runs.length).fill(-1);
  const last = new Map<number, number>();
  for (let r = runs.length - 1; r >= 0; r--) {
    const run = runs[r];
    if (run === undefined) continue;
    nextSame[r] = last.get(run.length) ?? -1;
    last.set(run.length, r);
  }

  let visible = "";
  let segmentStart = from;
  let r = runs.findIndex((run) => run.start >= from);
  if (r < 0) r = runs.length;
  let i = from;
  let comment = line.indexOf("<!--", i);
  while (i < line.length) {
    const run = runs[r];
    if (comment >= 0 && comment < i) comment = line.indexOf("<!--", i);
    const runStart = run === undefined ? -1 : run.start;
    if (comment < 0 && runStart < 0) break;
    if (run !== undefined && (comment < 0 || runStart < comment)) {
      const closer = nextSame[r] ?? -1;
      if (closer >= 0) {
        const close = runs[closer];
        i = close === undefined ? line.length : close.start + close.length;
        r = closer + 1;
        continue;
      }
      if ((later.get(run.length) ?? -1) >= 0) {
        return { state: { kind: "code", length: run.length }, visible: visible + line.slice(segmentStart) };
      }
      i = run.start + run.length;
      r += 1;
      continue;
    }
    // An HTML comment starts before any further backtick run.
    visible += line.slice(segmentStart, comment);
    const end = line.indexOf("-->", comment + 4);
    if (end < 0) return { state: { kind: "comment" }, visible };
    i = end + 3;
    segmentStart = i;
    while (r < runs.length && (runs[r]?.start ?? 0) < i) r += 1;
  }
  return { state: { kind: "text" }, visible: visible + line.slice(segmentStart) };
}
