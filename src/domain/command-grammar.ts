/**
 * Finds `/advisory <verb> [args]` commands in a comment body and validates their arguments.
 *
 * A command is a line that starts with the prefix (after at most three spaces) and that markdown
 * renders as a line of a paragraph's text: the comment is parsed as GitHub renders it (CommonMark +
 * GFM, through micromark), so nothing that renders as code (fenced, indented, code spans, also across
 * lines), a block quote (quoted replies, nested quotes, lazy continuation lines of a quote), an HTML
 * comment or block, a heading or a table is a command. The arguments are the rest of the line as
 * written, without its HTML comments.
 *
 * Bounded work on any comment: a line scan first finds the lines that start with the prefix (a comment
 * without one is never parsed); only the comment up to the paragraph of the last such line is parsed,
 * and never more than {@link MAX_COMMAND_LINES} lines or {@link MAX_COMMAND_CHARS} characters
 * (commands further down are not read, and the result says so); the parser is linear and sees no link
 * brackets and only shallow nesting (`markdown.ts`).
 */
import type { Nodes } from "mdast";
import {
  COMMAND_PREFIX,
  COMMAND_SPECS,
  type CommandArgs,
  type CommandSpec,
  DEFAULT_MAX_COMMANDS,
  isVerb,
  MAX_COMMAND_CHARS,
  MAX_COMMAND_LINES,
  MAX_COMMENT_LENGTH,
  VERBS,
  type Verb,
} from "./command-specs.js";
import { boundMarkdown, parseMarkdown } from "./markdown.js";

export { MAX_COMMAND_CHARS, MAX_COMMAND_LINES };

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

/** What the parser was given, for tests and the bench: lines and characters handed to micromark. */
export interface ParseWork {
  parsedLines: number;
  parsedChars: number;
}

export function parseCommands(commentBody: string, options: ParseOptions = {}): ParseResult {
  return parseCommandsWithWork(commentBody, options).result;
}

export function parseCommandsWithWork(
  commentBody: string,
  options: ParseOptions = {},
): { result: ParseResult; work: ParseWork } {
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

  const found = commandLines(lines);
  let seen = 0;
  for (const { index, visible } of found.lines) {
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

  if (found.beyond !== undefined && seen <= maxCommands) {
    errors.push({
      line: found.beyond,
      text: "",
      message: `Only the first ${MAX_COMMAND_LINES} lines (at most ${MAX_COMMAND_CHARS} characters) of a comment are read for commands; put later commands in a new comment.`,
    });
  }
  if (truncatedAt !== undefined) {
    errors.push({
      line: truncatedAt,
      text: "",
      message: `The comment is longer than ${MAX_COMMENT_LENGTH} characters; only its beginning was read.`,
    });
  }
  return { result: { commands, errors }, work: found.work };
}

function normalizeMax(max: number | undefined): number {
  if (max === undefined || !Number.isFinite(max)) return DEFAULT_MAX_COMMANDS;
  return Math.max(0, Math.floor(max));
}

// ---------------------------------------------------------------------------------------------
// One command line

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
// Markdown

/** A line that may be a command: at most three spaces, then the prefix. */
const CANDIDATE_RE = /^ {0,3}\/advisory(?=\s|$)/i;

/** How many lines of the comment are read: within both caps, ending at a blank line when there is one. */
function windowOf(lines: readonly string[]): number {
  let end = 0;
  let chars = 0;
  let lastBlank = -1;
  while (end < lines.length && end < MAX_COMMAND_LINES) {
    const line = lines[end] ?? "";
    chars += line.length + 1;
    if (chars > MAX_COMMAND_CHARS) break;
    if (line.trim() === "") lastBlank = end;
    end += 1;
  }
  // A cut inside a paragraph could end a code span or comment early: cut at its blank line instead.
  return end === lines.length || lastBlank < 0 ? end : lastBlank + 1;
}

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Follows fenced code blocks and HTML comment blocks line by line (only to decide what to report). */
function trackHidden(state: { fence: { char: string; length: number } | null; comment: boolean }, line: string): void {
  if (state.comment) {
    if (line.includes("-->")) state.comment = false;
    return;
  }
  const fence = FENCE_RE.exec(line);
  if (state.fence !== null) {
    const run = fence?.[1] ?? "";
    if (run[0] === state.fence.char && run.length >= state.fence.length && (fence?.[2] ?? "").trim() === "")
      state.fence = null;
    return;
  }
  if (fence !== null) {
    const run = fence[1] ?? "";
    if (run[0] !== "`" || !(fence[2] ?? "").includes("`")) state.fence = { char: run[0] ?? "`", length: run.length };
    return;
  }
  if (/^ {0,3}<!--/.test(line) && !line.includes("-->", line.indexOf("<!--") + 4)) state.comment = true;
}

interface CommandLine {
  /** 0-based line index. */
  index: number;
  /** The line from the prefix on, without its HTML comments. */
  visible: string;
}

interface Range {
  start: number;
  end: number;
}

/**
 * The lines that are commands as markdown renders them, in order; the 1-based line of the first
 * prefixed line past the window (if any); and what was parsed.
 */
function commandLines(lines: readonly string[]): { lines: CommandLine[]; beyond?: number; work: ParseWork } {
  const window = windowOf(lines);
  const candidates: number[] = [];
  let beyond: number | undefined;
  // Past the window nothing is parsed; a prefixed line there is reported unless a plain look at the
  // lines puts it in a fenced code block or an HTML comment (quoted examples are not worth a reply).
  const hidden = { fence: null as { char: string; length: number } | null, comment: false };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const plainlyHidden = hidden.fence !== null || hidden.comment;
    trackHidden(hidden, line);
    if (!CANDIDATE_RE.test(line)) continue;
    if (i < window) candidates.push(i);
    else if (!plainlyHidden) {
      beyond = i + 1;
      break;
    }
  }
  const last = candidates[candidates.length - 1];
  if (last === undefined) return { lines: [], ...(beyond ? { beyond } : {}), work: { parsedLines: 0, parsedChars: 0 } };

  // What follows a command line in its paragraph can change it (a code span closing, an underline):
  // the parse runs to the end of that paragraph, within the window.
  let end = last + 1;
  while (end < window && (lines[end] ?? "").trim() !== "") end += 1;
  const text = boundMarkdown(lines.slice(0, end).join("\n"), { brackets: 0 });
  const starts: number[] = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const { texts, comments } = visibleRanges(text);

  const out: CommandLine[] = [];
  let t = 0;
  let c = 0;
  for (const index of candidates) {
    const line = lines[index] ?? "";
    const lineStart = starts[index] ?? 0;
    const lineEnd = lineStart + line.length;
    const column = line.indexOf("/");
    const at = lineStart + column;
    while (t < texts.length && (texts[t] as Range).end <= at) t += 1;
    const range = texts[t];
    if (range === undefined || range.start > at) continue;
    while (c < comments.length && (comments[c] as Range).end <= lineStart) c += 1;
    let visible = "";
    let from = column;
    for (let k = c; k < comments.length; k++) {
      const comment = comments[k] as Range;
      if (comment.start >= lineEnd) break;
      const cut = Math.max(comment.start - lineStart, column);
      if (cut > from) visible += line.slice(from, cut);
      from = Math.max(from, Math.min(comment.end, lineEnd) - lineStart);
    }
    out.push({ index, visible: visible + line.slice(from) });
  }
  return { lines: out, ...(beyond ? { beyond } : {}), work: { parsedLines: end, parsedChars: text.length } };
}

/**
 * Where a paragraph's own text is, outside block quotes (offsets into `text`, in order), and the HTML
 * comments among that text. One walk of the tree, without recursion.
 */
function visibleRanges(text: string): { texts: Range[]; comments: Range[] } {
  const texts: Range[] = [];
  const comments: Range[] = [];
  const stack: Nodes[] = [parseMarkdown(text)];
  while (stack.length > 0) {
    const node = stack.pop() as Nodes;
    if (node.type === "paragraph") {
      for (const child of node.children) {
        const start = child.position?.start.offset;
        const end = child.position?.end.offset;
        if (start === undefined || end === undefined) continue;
        if (child.type === "text") texts.push({ start, end });
        else if (child.type === "html" && child.value.startsWith("<!--")) comments.push({ start, end });
      }
      continue;
    }
    // Quotes, code, HTML blocks, headings and tables hold no command.
    if (node.type !== "root" && node.type !== "list" && node.type !== "listItem") continue;
    for (let k = node.children.length - 1; k >= 0; k--) stack.push(node.children[k] as Nodes);
  }
  return { texts, comments };
}
