/**
 * The one markdown parser of untrusted text: CommonMark + GFM through micromark and
 * mdast-util-from-markdown, used by the disclosure check (advisory descriptions), the slash-command
 * grammar (comments) and markdown roster files.
 *
 * micromark is linear in its input but for one helper: `EditMap.consume` (micromark-util-edit-map
 * 1.0.0), which rebuilds the document's whole event list on every edit. The document tokenizer edits
 * once per container that closes (a block quote or list item followed by a line outside it) and the
 * setext-heading resolver once per setext heading, so a text made of many of them costs time
 * quadratic in its length (64 KiB of `a\n-\n` took over a minute). This module replaces
 * `consume` with one that leaves the unchanged prefix of the list in place and moves only what
 * follows the first edit: the same result, linear work. The replacement is installed once, on the
 * module instance micromark itself imports, before the first parse.
 *
 * {@link boundMarkdown} bounds what the parser is given further: nesting depth (container markers and
 * indentation at the start of a line), and brackets (all of them where the reader needs no links),
 * which micromark resolves in time quadratic in their number. Each reader caps the size of its input too (see the
 * README, "Reliability and security").
 *
 * Pure: no I/O, no clock.
 */
import type { Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfmTableFromMarkdown } from "mdast-util-gfm-table";
import { gfm } from "micromark-extension-gfm";
import { gfmTable } from "micromark-extension-gfm-table";
import { EditMap } from "micromark-util-edit-map";

type Events = Parameters<EditMap["consume"]>[0];
type Consume = (this: EditMap, events: Events) => undefined;

/** Events moved by `consume` since the process started: tests bound the parser's work with it. */
let moved = 0;

const original: Consume = EditMap.prototype.consume;

/** Applies the edits, moving only the events after the first one (micromark's moves them all). */
const linearConsume: Consume = function (this: EditMap, events: Events) {
  this.map.sort((a, b) => a[0] - b[0]);
  if (this.map.length === 0) return undefined;
  const tails: Events[] = [];
  for (let index = this.map.length - 1; index >= 0; index--) {
    const [at, remove, add] = this.map[index] as [number, number, Events];
    tails.push(events.slice(at + remove), add);
    events.length = at;
  }
  for (let tail = tails.pop(); tail !== undefined; tail = tails.pop()) {
    moved += tail.length;
    for (const event of tail) events.push(event);
  }
  this.map.length = 0;
  this.index.clear();
  return undefined;
};

EditMap.prototype.consume = linearConsume;

/** Work done by the event edits so far, for tests: events moved since the process started. */
export function markdownEditWork(): number {
  return moved;
}

/**
 * Runs `fn` with micromark's own `consume`, for the test that shows the replacement builds the same
 * trees. Never used by the app.
 */
export function withMicromarkConsume<T>(fn: () => T): T {
  EditMap.prototype.consume = original;
  try {
    return fn();
  } finally {
    EditMap.prototype.consume = linearConsume;
  }
}

type Extension = ReturnType<typeof gfmTable>;
type Construct = Extract<NonNullable<Extension["flow"]>[number], { tokenize: unknown }>;
type Tokenize = Construct["tokenize"];

/**
 * The lines of the text being parsed that could be a GFM table's delimiter row, by line number (1-based,
 * line endings counted as micromark counts them); set by {@link parseMarkdown} for the parse it runs.
 */
let delimiterLines: Uint8Array = new Uint8Array(0);

/** Whether tables are tried on every line, as micromark's extension does (tests compare the two). */
let unguarded = false;

/** Table rows still tried in the parse running (see {@link parseMarkdown}'s `tableRows`). */
let tableRowsLeft = Number.POSITIVE_INFINITY;

/**
 * Marks each line that could be a table's delimiter row: at least one `-`, a `|` or a `:`, and nothing but
 * those, spaces, tabs and what can precede a row inside containers (`>`, list bullets and numbers). A
 * superset of the lines micromark accepts as delimiter rows. Linear.
 */
export function markDelimiterLines(text: string): Uint8Array {
  let lines = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 10 || c === 13) lines++;
  }
  const marks = new Uint8Array(lines + 2);
  let line = 1;
  let dash = false;
  let bar = false;
  let other = false;
  const close = () => {
    if (dash && bar && !other) marks[line] = 1;
    dash = bar = other = false;
    line++;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      close();
      continue;
    }
    if (c === 45) dash = true;
    else if (c === 124 || c === 58) bar = true;
    else if (!ROW_PREFIX.has(c)) other = true;
  }
  close();
  return marks;
}

/** Spaces, tabs and the container markers that may precede a delimiter row on its line. */
const ROW_PREFIX: ReadonlySet<number> = new Set([32, 9, 62, 42, 43, 46, 41, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57]);

/**
 * GFM tables, tried only where one can be: on a line followed by a possible delimiter row (the table's
 * head) and on the lines after a table (its body). micromark's extension tries every line, scanning it
 * whole, which costs more than the rest of the parse on long lines of prose; elsewhere the extension
 * would only fail, so the tree is the same.
 */
function guardedTable(table: Construct): Construct {
  const tokenize: Tokenize = function (effects, ok, nok) {
    const inner = table.tokenize.call(this, effects, ok, nok);
    return (code) => {
      if (unguarded) return inner(code);
      if (tableRowsLeft <= 0) return nok(code);
      if (delimiterLines[this.now().line + 1] === 1 || afterTable(this.events)) {
        tableRowsLeft--;
        return inner(code);
      }
      return nok(code);
    };
  };
  return { ...table, tokenize };
}

/** Whether the last event before the current line (line endings and prefixes aside) is in a table. */
function afterTable(events: ThisParameterType<Tokenize>["events"]): boolean {
  for (let index = events.length - 1; index >= 0; index--) {
    const type = (events[index] as (typeof events)[number])[1].type;
    if (type === "lineEnding" || type === "linePrefix") continue;
    return type === "tableHead" || type === "tableRow";
  }
  return false;
}

/** An extension with its table construct guarded (see {@link guardedTable}). */
function withGuardedTables<E extends { flow?: Extension["flow"] }>(extension: E): E {
  const flow = extension.flow;
  if (flow === undefined) return extension;
  const guarded: Record<string, unknown> = {};
  for (const [code, constructs] of Object.entries(flow)) {
    const list = (Array.isArray(constructs) ? constructs : [constructs]) as Construct[];
    guarded[code] = list.map((c) => (c.name === "table" ? guardedTable(c) : c));
  }
  return { ...extension, flow: guarded as Extension["flow"] };
}

/**
 * Runs `fn` with tables tried on every line, as micromark's extension does, for the test that shows the
 * guard builds the same trees. Never used by the app.
 */
export function withUnguardedTables<T>(fn: () => T): T {
  unguarded = true;
  try {
    return fn();
  } finally {
    unguarded = false;
  }
}

type Options = NonNullable<Parameters<typeof fromMarkdown>[1]>;
const built: Partial<Record<"gfm" | "tables", Options>> = {};

/**
 * Parses markdown into mdast: CommonMark + GFM, or with `syntax: "tables"` CommonMark + GFM tables only
 * (for a reader that needs no links, strikethrough, footnotes or task lists: GFM's autolink literals
 * and strikethrough cost far more per character than anything else on adversarial text). With
 * `tableRows`, at most that many lines are tried as table rows (heads and bodies; each row costs a
 * tokenizer per cell): later lines read as paragraphs. The extensions are built once.
 */
export function parseMarkdown(
  text: string,
  syntax: "gfm" | "tables" = "gfm",
  bounds: { tableRows?: number } = {},
): Root {
  let options = built[syntax];
  if (options === undefined) {
    options =
      syntax === "gfm"
        ? { extensions: [withGuardedTables(gfm())], mdastExtensions: [gfmFromMarkdown()] }
        : { extensions: [withGuardedTables(gfmTable())], mdastExtensions: [gfmTableFromMarkdown()] };
    built[syntax] = options;
  }
  delimiterLines = markDelimiterLines(text);
  tableRowsLeft = bounds.tableRows ?? Number.POSITIVE_INFINITY;
  try {
    return fromMarkdown(text, options);
  } finally {
    delimiterLines = new Uint8Array(0);
    tableRowsLeft = Number.POSITIVE_INFINITY;
  }
}

/** Container markers (`>`, `-`, `*`, `+`, `1.`) kept at the start of a line; more are dropped. */
export const MAX_CONTAINER_MARKERS = 8;
/** Columns of leading whitespace kept at the start of a line (bounds nesting by indentation). */
export const MAX_INDENT = 32;
/** Brackets kept for a reader that reads links (a roster links each person at most once or twice). */
export const MAX_LINK_BRACKETS = 1_024;

/**
 * The text a markdown parser is given: line-start nesting bounded (at most
 * {@link MAX_CONTAINER_MARKERS} container markers and {@link MAX_INDENT} columns of indentation; the
 * rest of such a line is kept as text), line breaks as `\n` (as many lines as in the input), and only
 * the first `brackets` of the `[` and `]` characters kept: the others become `(` and `)`, so no link,
 * image, footnote or reference definition forms from them (0 for a reader that reads no links). A line
 * that starts with neither a container marker nor more than {@link MAX_INDENT} columns of indentation
 * is kept exactly (but for brackets). With `markup`, only that many of the inline markup characters
 * `` * _ ~ ` < & \ `` are kept (each costs micromark far more than a letter); later ones become spaces.
 * With `pipes`, only that many `|` are kept (each table cell costs micromark a tokenizer of its own);
 * later ones become spaces. With `containers`, only that many container markers are kept in the whole
 * text (each list item or quote costs a tokenizer too); later lines lose theirs and read as text.
 * One pass, constant work per character.
 */
export function boundMarkdown(
  markdown: string,
  options: { brackets: number; markup?: number; pipes?: number; containers?: number },
): string {
  const out: string[] = [];
  let brackets = options.brackets;
  let markup = options.markup ?? Number.POSITIVE_INFINITY;
  let pipes = options.pipes ?? Number.POSITIVE_INFINITY;
  let containers = options.containers ?? Number.POSITIVE_INFINITY;
  let dropped = false;
  let lineStart = true;
  let markers = 0;
  let indent = 0;
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown[i] as string;
    if (c === "\n" || c === "\r") {
      out.push("\n");
      if (c === "\r" && markdown[i + 1] === "\n") i++;
      lineStart = true;
      markers = 0;
      indent = 0;
      dropped = false;
      continue;
    }
    if (c === "[" || c === "]") {
      if (brackets > 0) brackets--;
      else {
        out.push(c === "[" ? "(" : ")");
        lineStart = false;
        continue;
      }
    }
    if (MARKUP.has(c)) {
      if (markup > 0) markup--;
      else {
        out.push(" ");
        lineStart = false;
        continue;
      }
    }
    if (c === "|") {
      if (pipes > 0) pipes--;
      else {
        out.push(" ");
        lineStart = false;
        continue;
      }
    }
    if (!lineStart) {
      out.push(c);
      continue;
    }
    // Once markers are dropped, so is the whitespace between them (it would turn the text into code).
    if (c === " " || c === "\t") {
      indent += c === "\t" ? 4 : 1;
      if (indent <= MAX_INDENT && !dropped) out.push(c);
      continue;
    }
    const marker = containerMarker(markdown, i);
    if (marker > 0) {
      if (!dropped && markers < MAX_CONTAINER_MARKERS && containers > 0) {
        markers++;
        containers--;
        out.push(markdown.slice(i, i + marker));
      } else dropped = true;
      i += marker - 1;
      continue;
    }
    lineStart = false;
    if (dropped) out.push(" ");
    out.push(c);
  }
  return out.join("");
}

const MARKUP: ReadonlySet<string> = new Set(["*", "_", "~", "`", "<", "&", "\\"]);

/** Length of a container marker at `i` (`>`, or a list bullet/number followed by a space), else 0. */
function containerMarker(text: string, i: number): number {
  const c = text[i];
  if (c === ">") return 1;
  const next = text[i + 1];
  const spaced = next === " " || next === "\t";
  if ((c === "-" || c === "*" || c === "+") && spaced) return 1;
  let j = i;
  while (j < text.length && j - i < 9 && isDigit(text[j])) j++;
  if (j > i && (text[j] === "." || text[j] === ")") && (text[j + 1] === " " || text[j + 1] === "\t")) return j - i + 1;
  return 0;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/**
 * The first `maxLines` lines of a text (line breaks `\n`, `\r\n` or `\r`), and whether lines were
 * dropped. Linear.
 */
export function firstLines(text: string, maxLines: number): { text: string; cut: boolean } {
  let lines = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (lines === maxLines) return { text: text.slice(0, i + 1), cut: i + 1 < text.length };
    lines++;
  }
  return { text, cut: false };
}
