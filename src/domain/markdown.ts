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

type Options = NonNullable<Parameters<typeof fromMarkdown>[1]>;
const built: Partial<Record<"gfm" | "tables", Options>> = {};

/**
 * Parses markdown into mdast: CommonMark + GFM, or with `syntax: "tables"` CommonMark + GFM tables only
 * (for a reader that needs no links, strikethrough, footnotes or task lists: GFM's autolink literals
 * and strikethrough cost far more per character than anything else on adversarial text). The
 * extensions are built once.
 */
export function parseMarkdown(text: string, syntax: "gfm" | "tables" = "gfm"): Root {
  let options = built[syntax];
  if (options === undefined) {
    options =
      syntax === "gfm"
        ? { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }
        : { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] };
    built[syntax] = options;
  }
  return fromMarkdown(text, options);
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
 * One pass, constant work per character.
 */
export function boundMarkdown(markdown: string, options: { brackets: number; markup?: number }): string {
  const out: string[] = [];
  let brackets = options.brackets;
  let markup = options.markup ?? Number.POSITIVE_INFINITY;
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
    if (!lineStart) {
      out.push(c);
      continue;
    }
    // Once markers are dropped, so is the whitespace between them (it would turn the text into code).
    const dropping = markers > MAX_CONTAINER_MARKERS;
    if (c === " " || c === "\t") {
      indent += c === "\t" ? 4 : 1;
      if (indent <= MAX_INDENT && !dropping) out.push(c);
      continue;
    }
    const marker = containerMarker(markdown, i);
    if (marker > 0) {
      markers++;
      if (markers <= MAX_CONTAINER_MARKERS) out.push(markdown.slice(i, i + marker));
      i += marker - 1;
      continue;
    }
    lineStart = false;
    if (dropping) out.push(" ");
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
