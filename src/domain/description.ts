/**
 * What an advisory description says, read by meaning: does it describe the vulnerability (an overview,
 * and enough detail to say how it works), and does it say how users get the fix?
 *
 * The policy asks for "an overview, details, the fix (usually an update) and optionally a workaround".
 * Advisories are written in many shapes: GitHub's own template (`### Impact`, `### Patches`,
 * `### Workarounds`, `### References`, where Impact carries the overview and the details), reporters'
 * reports (Summary, Affected Versions, Root cause, Proof of Concept, Recommended Fix, …), bold
 * pseudo-headings (`**Impact:** …`), or plain prose with no heading at all ("Users should upgrade to
 * 2.6.1."). This module reads all of them the same way:
 *
 * - headings, bold labels at the start of a line and `Label:` lines are classified by the words they
 *   use (see {@link headingKinds});
 * - the text under them is attributed to them (a subsection's text counts for its parent too);
 * - prose anywhere is searched for a fix statement: an upgrade instruction naming a version, or a
 *   statement that a version fixes it ("fixed in 0.9.0", "2.6.1 fixes the issue", "has been patched").
 *   Questions, code, and negated statements ("not fixed yet") are not statements.
 *
 * Untrusted input: the description is written by the reporter. Markdown is parsed with
 * mdast-util-from-markdown (micromark: CommonMark and GFM tables; links, autolinks and strikethrough
 * are read as their text), after {@link prepareDescription} has bounded what that
 * parser sees: at most {@link MAX_DESCRIPTION_CHARS} characters (half of GitHub's own limit for a description)
 * and {@link MAX_DESCRIPTION_LINES} lines, at most {@link MAX_DESCRIPTION_MARKUP} inline markup
 * characters, no link or footnote brackets (constructs the check never reads and that micromark resolves in
 * quadratic time when nested), at most {@link MAX_CONTAINER_MARKERS} container markers (`>`, list
 * bullets) and {@link MAX_INDENT} columns of indentation at the start of a line (so nesting depth is
 * bounded); the parser itself is linear (see `markdown.ts`). Everything after the parse is a single pass over the tree and the text, with constant work
 * per character. Nothing here returns or logs the description's text.
 *
 * Pure: no I/O, no clock.
 */
import type { Nodes, PhrasingContent, RootContent } from "mdast";
import { boundMarkdown, firstLines, MAX_CONTAINER_MARKERS, MAX_INDENT, parseMarkdown } from "./markdown.js";

/**
 * Characters of a description read: half of GitHub's own limit (65,535, `maxLength` of `description` in
 * its REST API) and three times the longest published advisory in test/fixtures/advisories (10.6 KB).
 * The parser's cost is linear in this, about a microsecond per character.
 */
export const MAX_DESCRIPTION_CHARS = 32_768;
/** Lines of a description read; a description with more is read up to here (the longest of the published advisories in test/fixtures/advisories has 193). */
export const MAX_DESCRIPTION_LINES = 400;
/**
 * Inline markup characters (`` * _ ~ ` < & \ ``) read as markup; later ones are read as spaces (real
 * descriptions have a few hundred).
 */
export const MAX_DESCRIPTION_MARKUP = 2_048;
/**
 * Table pipes (`|`) read as such; later ones are read as spaces. Each table cell costs the parser a
 * tokenizer of its own (real descriptions in test/fixtures/advisories have at most 33).
 */
export const MAX_DESCRIPTION_PIPES = 128;
/**
 * Container markers (`>`, list bullets and numbers at the start of a line) read as such in the whole
 * description; later lines are read as text. Each list item or quote costs the parser a tokenizer of its
 * own (real descriptions in test/fixtures/advisories have at most 19).
 */
export const MAX_DESCRIPTION_CONTAINERS = 128;
/** Lines tried as table rows; later lines of a table read as text (real descriptions have a few). */
export const MAX_DESCRIPTION_TABLE_ROWS = 64;
export { MAX_CONTAINER_MARKERS, MAX_INDENT };
/** Words about the vulnerability below which a description says too little to count as details. */
export const MIN_DETAIL_WORDS = 12;

/** Kinds of description section the check recognizes. */
export type SectionKind = "overview" | "details" | "fix" | "workaround" | "references" | "credits";

/**
 * Words and phrases in a heading that give its meaning, matched case-insensitively on whole words.
 * "Mitigation" is a workaround, not a fix: on its own it never satisfies the fix requirement.
 */
const SECTION_WORDS: Record<SectionKind, readonly string[]> = {
  overview: [
    "impact",
    "impacts",
    "overview",
    "summary",
    "tl dr",
    "tldr",
    "background",
    "introduction",
    "affected",
    "who is affected",
  ],
  details: [
    "details",
    "detail",
    "description",
    "root cause",
    "cause",
    "poc",
    "proof of concept",
    "reproduction",
    "reproduce",
    "reproducer",
    "steps to reproduce",
    "exploit",
    "exploitation",
    "attack",
    "analysis",
    "vulnerability",
    "vulnerable",
    "component",
    "scenario",
    "explanation",
    "technical",
  ],
  fix: [
    "patches",
    "patch",
    "patched",
    "fix",
    "fixes",
    "fixed",
    "remediation",
    "remediations",
    "remediate",
    "resolution",
    "resolved",
    "solution",
    "solutions",
    "upgrade",
    "upgrading",
    "update",
    "recommendation",
    "recommendations",
  ],
  workaround: ["workaround", "workarounds", "mitigation", "mitigations", "mitigate", "mitigating"],
  references: ["references", "reference", "resources", "links", "more information", "see also", "contact"],
  credits: [
    "credit",
    "credits",
    "acknowledgement",
    "acknowledgements",
    "acknowledgment",
    "acknowledgments",
    "thanks",
    "timeline",
  ],
};

const KINDS = Object.keys(SECTION_WORDS) as SectionKind[];
/** The kinds each single word stands for, and the phrases of several words padded by spaces (built once). */
const KINDS_BY_WORD = new Map<string, SectionKind[]>();
const PHRASES: Array<{ kind: SectionKind; padded: string }> = [];
for (const kind of KINDS) {
  for (const w of SECTION_WORDS[kind]) {
    if (w.includes(" ")) PHRASES.push({ kind, padded: ` ${w} ` });
    else KINDS_BY_WORD.set(w, [...(KINDS_BY_WORD.get(w) ?? []), kind]);
  }
}

/**
 * The kinds a heading's text stands for (possibly several, e.g. "Summary and details"): its words (split
 * at `-._+` too) looked up one by one, and the phrases of several words looked for among them.
 */
export function headingKinds(title: string): SectionKind[] {
  const words = wordTokens(title).flatMap((t) => t.split(/[-._+]/));
  const found = new Set<SectionKind>();
  for (const word of words) for (const kind of KINDS_BY_WORD.get(word) ?? []) found.add(kind);
  if (words.length > 1) {
    const joined = ` ${words.join(" ")} `;
    for (const { kind, padded } of PHRASES) if (!found.has(kind) && joined.includes(padded)) found.add(kind);
  }
  return found.size === 0 ? [] : KINDS.filter((kind) => found.has(kind));
}

export interface Section {
  /** 1–6 for `#` headings; 7 for a bold or `Label:` line (`**Impact**`), which nests under any `#` heading. */
  level: number;
  kinds: SectionKind[];
  /** True when the section has content of its own: text other than headings, comments, placeholders. */
  hasContent: boolean;
}

/** What the check needs to know about a description; never any of its text. */
export interface DescriptionReading {
  sections: Section[];
  /** Some text describes the vulnerability (intro prose, or an overview/details/unlabelled section). */
  describes: boolean;
  /** Words of prose about the vulnerability (not the fix, workaround, references or credits). */
  describingWords: number;
  /** A section labelled as details (Root cause, PoC, …) has content. */
  detailsSection: boolean;
  /** An overview section (Impact, Summary, …) exists, and whether any has content. */
  overviewSection: "none" | "empty" | "content";
  /** A fix section (Patches, Fix, Remediation, …) exists; "negated" when it says there is none. */
  fixSection: "none" | "empty" | "negated" | "content";
  /** Prose somewhere states the fix (an upgrade instruction, or what fixes it). */
  fixStatement: boolean;
  stats: DescriptionStats;
}

/** Bounded work, for tests and the bench: sizes in and out, and the work done after the parse. */
export interface DescriptionStats {
  inputChars: number;
  /** Characters handed to the markdown parser (≤ {@link MAX_DESCRIPTION_CHARS}). */
  parsedChars: number;
  truncated: boolean;
  /** Tree nodes visited. */
  nodes: number;
  /** Deepest tree nesting seen. */
  depth: number;
  /** Characters scanned by the word and statement reader. */
  scanned: number;
}

/**
 * The text the markdown parser is given: at most `maxChars` characters and {@link MAX_DESCRIPTION_LINES}
 * lines, brackets neutralized, at most {@link MAX_DESCRIPTION_MARKUP} markup characters, line-start
 * nesting bounded ({@link boundMarkdown}). One pass, constant
 * work per character.
 */
export function prepareDescription(
  markdown: string,
  maxChars = MAX_DESCRIPTION_CHARS,
): { text: string; truncated: boolean } {
  const long = markdown.length > maxChars;
  const lines = firstLines(long ? markdown.slice(0, maxChars) : markdown, MAX_DESCRIPTION_LINES);
  return {
    text: boundMarkdown(lines.text, {
      brackets: 0,
      markup: MAX_DESCRIPTION_MARKUP,
      pipes: MAX_DESCRIPTION_PIPES,
      containers: MAX_DESCRIPTION_CONTAINERS,
    }),
    truncated: long || lines.cut,
  };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

// ---------------------------------------------------------------------------------------------------
// Words and statements

interface Sentence {
  tokens: string[];
  question: boolean;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether the UTF-16 code unit at `i` is a letter or digit (`WORD_CHAR`); ASCII decided without the pattern. */
function isWordAt(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 128) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  return WORD_CHAR.test(text[i] as string);
}

/** Lower-case word tokens; `2.6.1`, `v2.6.1-rc.1`, `oras-go` stay one token. */
function wordTokens(text: string): string[] {
  return sentences(text).flatMap((s) => s.tokens);
}

/**
 * Split prose into sentences of lower-case tokens. One pass over the characters; a token is the run of
 * characters from `start`, cut out once it ends.
 */
function sentences(text: string): Sentence[] {
  const result: Sentence[] = [];
  let tokens: string[] = [];
  let start = -1;
  let i = 0;
  const flush = () => {
    if (start >= 0) tokens.push(text.slice(start, i).toLowerCase());
    start = -1;
  };
  const end = (question: boolean) => {
    flush();
    if (tokens.length > 0) result.push({ tokens, question });
    tokens = [];
  };
  for (; i < text.length; i++) {
    if (isWordAt(text, i)) {
      if (start < 0) start = i;
      continue;
    }
    const c = text[i] as string;
    const next = text[i + 1];
    if (
      (c === "." || c === "-" || c === "_" || c === "+") &&
      start >= 0 &&
      i + 1 < text.length &&
      isWordAt(text, i + 1)
    )
      continue;
    flush();
    if (c === "\n" && next === "\n") end(false);
    else if ((c === "." || c === "!" || c === "?" || c === ";") && (next === undefined || /\s|[)"'*_`]/.test(next)))
      end(c === "?");
  }
  end(false);
  return result;
}

/** `2.6.1`, `v0.9.0`, `1.0.0-rc.3`: digits, at least one dot-separated part. */
function isVersion(token: string): boolean {
  let i = token.startsWith("v") ? 1 : 0;
  let parts = 0;
  for (;;) {
    const start = i;
    while (isDigit(token[i])) i++;
    if (i === start) return false;
    parts++;
    if (token[i] !== ".") break;
    i++;
  }
  return parts >= 2 && (i === token.length || token[i] === "-" || token[i] === "+");
}

const UPGRADE = new Set(["upgrade", "upgrading", "update", "updating", "bump", "bumping", "install", "migrate"]);
const UPGRADE_TARGET = new Set(["latest", "newest", "newer", "patched", "fixed"]);
const FIX_VERBS = new Set([
  "fixed",
  "fixes",
  "patched",
  "patches",
  "addressed",
  "addresses",
  "resolved",
  "resolves",
  "remediated",
  "remediates",
  "corrected",
  "corrects",
]);
const FIX_PARTICIPLES = new Set(["fixed", "patched", "addressed", "resolved", "remediated", "corrected"]);
const AUXILIARIES = new Set(["been", "is", "was", "are", "were"]);
const AFTER_PARTICIPLE = new Set(["in", "by", "since", "with", "as"]);
const FIX_NOUNS = new Set(["fix", "patch"]);
const SHIPS = new Set([
  "available",
  "contains",
  "contain",
  "includes",
  "include",
  "included",
  "ships",
  "shipped",
  "released",
  "provides",
  "provided",
]);
const NEGATIONS = new Set(["no", "not", "none", "never", "without", "unpatched", "unfixed", "nor"]);
const WINDOW = 8;

/** True when some token within `distance` of `at` satisfies `test`. */
function near(tokens: string[], at: number, distance: number, test: (t: string) => boolean): boolean {
  const from = Math.max(0, at - distance);
  const to = Math.min(tokens.length - 1, at + distance);
  for (let k = from; k <= to; k++) if (k !== at && test(tokens[k] as string)) return true;
  return false;
}

function negatedAt(tokens: string[], at: number): boolean {
  for (let k = Math.max(0, at - 3); k < at; k++) if (NEGATIONS.has(tokens[k] as string)) return true;
  return false;
}

/**
 * A statement of the fix in one sentence: an upgrade instruction with a target ("upgrade to 2.6.1",
 * "update to the latest release"), or a statement that something fixes it ("fixed in 0.9.0", "2.6.1
 * fixes", "has been patched", "the fix is included in v2.6.1"). Constant work per token.
 */
function statesFix(sentence: Sentence): boolean {
  if (sentence.question) return false;
  const t = sentence.tokens;
  for (let i = 0; i < t.length; i++) {
    const w = t[i] as string;
    if (UPGRADE.has(w) && !negatedAt(t, i)) {
      for (let k = i + 1; k < t.length && k <= i + WINDOW; k++) {
        const u = t[k] as string;
        if (isVersion(u) || UPGRADE_TARGET.has(u)) return true;
      }
    }
    if (FIX_VERBS.has(w) && !negatedAt(t, i)) {
      if (near(t, i, WINDOW, isVersion)) return true;
      if (FIX_PARTICIPLES.has(w)) {
        if (i > 0 && AUXILIARIES.has(t[i - 1] as string)) return true;
        if (i + 1 < t.length && AFTER_PARTICIPLE.has(t[i + 1] as string)) return true;
      }
    }
    if (FIX_NOUNS.has(w) && !negatedAt(t, i) && near(t, i, 4, (u) => SHIPS.has(u)) && near(t, i, WINDOW, isVersion))
      return true;
  }
  return false;
}

/** A fix section that opens by saying there is none ("None.", "N/A", "Not yet", "No patch is available"). */
const NO_FIX_OPENERS = new Set(["no", "not", "none", "n", "tbd", "todo", "pending", "unknown", "unpatched", "unfixed"]);
const NO_FIX_WORDS = new Set(["no", "not", "none"]);

function saysNoFix(first: Sentence | undefined): boolean {
  if (first === undefined || statesFix(first)) return false;
  if (NO_FIX_OPENERS.has(first.tokens[0] as string)) return true;
  return first.tokens.slice(0, 4).some((t) => NO_FIX_WORDS.has(t));
}

// ---------------------------------------------------------------------------------------------------
// Reading the tree

interface OpenSection {
  index: number;
  level: number;
  kinds: SectionKind[];
  /** Set once the first prose arrives: does the section open by saying there is no fix? */
  negated: boolean | null;
}

/** One line of a paragraph, as segments: a leading bold label is kept apart from the rest. */
interface Line {
  strong: string | null;
  text: string;
  /** The whole line is one emphasized question (GitHub's template prompt): not content. */
  placeholder: boolean;
}

/**
 * Read a description. Linear: the text is bounded by {@link prepareDescription}, the tree is walked
 * once without recursion, and each piece of text is scanned once. `maxChars` (default and normal
 * use: {@link MAX_DESCRIPTION_CHARS}) lets tests check the bounds on smaller inputs.
 */
export function readDescription(markdown: string, options: { maxChars?: number } = {}): DescriptionReading {
  const { text, truncated } = prepareDescription(markdown, options.maxChars);
  const stats: DescriptionStats = {
    inputChars: markdown.length,
    parsedChars: text.length,
    truncated,
    nodes: 0,
    depth: 0,
    scanned: 0,
  };
  const reading: DescriptionReading = {
    sections: [],
    describes: false,
    describingWords: 0,
    detailsSection: false,
    overviewSection: "none",
    fixSection: "none",
    fixStatement: false,
    stats,
  };
  const open: OpenSection[] = [];
  const fixSections: OpenSection[] = [];

  const openSection = (level: number, kinds: SectionKind[]) => {
    while (open.length > 0 && (open[open.length - 1] as OpenSection).level >= level) open.pop();
    const section: OpenSection = { index: reading.sections.length, level, kinds, negated: null };
    reading.sections.push({ level, kinds, hasContent: false });
    open.push(section);
    if (kinds.includes("fix")) fixSections.push(section);
  };

  /** The kinds that decide what a piece of text is for: the innermost labelled section's. */
  const purpose = (): SectionKind[] | null => {
    for (let k = open.length - 1; k >= 0; k--) {
      const kinds = (open[k] as OpenSection).kinds;
      if (kinds.length > 0) return kinds;
    }
    return null;
  };

  const addProse = (value: string) => {
    stats.scanned += value.length;
    const parsed = sentences(value);
    const words = parsed.reduce((n, s) => n + s.tokens.length, 0);
    if (words === 0) return;
    for (const section of open) {
      (reading.sections[section.index] as Section).hasContent = true;
      if (section.negated === null && section.kinds.includes("fix")) section.negated = saysNoFix(parsed[0]);
    }
    if (!reading.fixStatement && parsed.some(statesFix)) reading.fixStatement = true;
    countDescribing(words);
  };

  const addCode = (value: string) => {
    stats.scanned += value.length;
    if (value.trim() === "") return;
    for (const section of open) (reading.sections[section.index] as Section).hasContent = true;
    if (purpose()?.includes("details")) reading.detailsSection = true;
  };

  const countDescribing = (words: number) => {
    const kinds = purpose();
    if (kinds !== null && !kinds.some((k) => k === "overview" || k === "details")) {
      if (kinds.some((k) => k === "fix" || k === "workaround" || k === "references" || k === "credits")) return;
    }
    reading.describes = true;
    reading.describingWords += words;
    if (kinds?.includes("details")) reading.detailsSection = true;
  };

  const children = parseMarkdown(text, "tables", { tableRows: MAX_DESCRIPTION_TABLE_ROWS }).children;
  stats.nodes += 1;
  for (const block of children) readBlock(block);

  function readBlock(block: RootContent): void {
    stats.nodes++;
    switch (block.type) {
      case "heading": {
        const title = inlineText(block.children);
        openSection(block.depth, headingKinds(title));
        // A heading can itself state the fix ("## Upgrade to 2.6.1").
        if (!reading.fixStatement && sentences(title).some(statesFix)) reading.fixStatement = true;
        return;
      }
      case "paragraph":
        for (const line of paragraphLines(block.children)) readLine(line);
        return;
      case "html":
      case "thematicBreak":
      case "definition":
        return;
      case "code":
        addCode(block.value);
        return;
      default:
        readContainer(block);
    }
  }

  function readLine(line: Line): void {
    if (line.placeholder) return;
    const label = line.strong ?? labelOf(line.text);
    if (label !== null) {
      const kinds = label.length <= 60 ? headingKinds(label) : [];
      if (kinds.length > 0) {
        openSection(7, kinds);
        const rest = line.strong !== null ? line.text : line.text.slice(line.text.indexOf(":") + 1);
        addProse(rest.replace(/^\s*:/, ""));
        return;
      }
    }
    addProse(line.strong !== null ? `${line.strong} ${line.text}` : line.text);
  }

  /** Lists, quotes, tables, footnotes: their prose and code, in order, without recursion. */
  function readContainer(root: Nodes): void {
    const stack: Array<{ node: Nodes; depth: number }> = [{ node: root, depth: 1 }];
    let prose: string[] = [];
    const flushProse = () => {
      if (prose.length > 0) addProse(prose.join(" "));
      prose = [];
    };
    while (stack.length > 0) {
      const { node, depth } = stack.pop() as { node: Nodes; depth: number };
      stats.nodes++;
      if (depth > stats.depth) stats.depth = depth;
      if (node.type === "code") {
        flushProse();
        addCode(node.value);
        continue;
      }
      if (node.type === "html") continue;
      if (node.type === "text" || node.type === "inlineCode") {
        prose.push(node.value);
        continue;
      }
      if (node.type === "paragraph" || node.type === "heading" || node.type === "tableCell") {
        if (isPlaceholder(node.children)) continue;
        prose.push(inlineText(node.children));
        flushProse();
        continue;
      }
      if ("children" in node) {
        const kids = node.children as Nodes[];
        for (let k = kids.length - 1; k >= 0; k--) stack.push({ node: kids[k] as Nodes, depth: depth + 1 });
      }
    }
    flushProse();
  }

  /** The text of inline content (html dropped), without recursion. */
  function inlineText(nodes: PhrasingContent[]): string {
    const parts: string[] = [];
    const stack: Array<{ node: Nodes; depth: number }> = [];
    for (let k = nodes.length - 1; k >= 0; k--) stack.push({ node: nodes[k] as Nodes, depth: 1 });
    while (stack.length > 0) {
      const { node, depth } = stack.pop() as { node: Nodes; depth: number };
      stats.nodes++;
      if (depth > stats.depth) stats.depth = depth;
      if (node.type === "text" || node.type === "inlineCode") parts.push(node.value);
      else if (node.type === "break") parts.push("\n");
      else if (node.type !== "html" && "children" in node) {
        const kids = node.children as Nodes[];
        for (let k = kids.length - 1; k >= 0; k--) stack.push({ node: kids[k] as Nodes, depth: depth + 1 });
      }
    }
    return parts.join("");
  }

  /** A paragraph split at its line breaks; a line that opens with bold text keeps it apart. */
  function paragraphLines(nodes: PhrasingContent[]): Line[] {
    const lines: Line[] = [];
    let strong: string | null = null;
    let parts: string[] = [];
    let first = true;
    let emphases = 0;
    let others = 0;
    const finish = () => {
      const text = parts.join("");
      const placeholder = strong === null && emphases === 1 && others === 0 && text.trim().endsWith("?");
      if (strong !== null || text.trim() !== "") lines.push({ strong, text, placeholder });
      strong = null;
      parts = [];
      first = true;
      emphases = 0;
      others = 0;
    };
    for (const node of nodes) {
      stats.nodes++;
      if (node.type === "text" || node.type === "break") {
        const pieces = (node.type === "break" ? "\n" : node.value).split("\n");
        pieces.forEach((piece, k) => {
          if (k > 0) finish();
          if (piece.trim() !== "") {
            first = false;
            others++;
          }
          parts.push(piece);
        });
        continue;
      }
      if (node.type === "html") continue;
      const value = inlineText([node]);
      if (node.type === "strong" && first) {
        strong = value;
        first = false;
        continue;
      }
      if (node.type === "emphasis") emphases++;
      else others++;
      first = false;
      parts.push(value);
    }
    finish();
    return lines;
  }

  const overviews = reading.sections.filter((section) => section.kinds.includes("overview"));
  if (overviews.length > 0) reading.overviewSection = overviews.some((o) => o.hasContent) ? "content" : "empty";
  const rank = { none: 0, empty: 1, negated: 2, content: 3 } as const;
  for (const section of fixSections) {
    const hasContent = (reading.sections[section.index] as Section).hasContent;
    const state = !hasContent ? "empty" : section.negated === true ? "negated" : "content";
    if (rank[state] > rank[reading.fixSection]) reading.fixSection = state;
  }
  return reading;
}

/** `Fix:` or `Patched versions: 2.6.1` — a short label ending in a colon at the start of a line. */
function labelOf(line: string): string | null {
  const colon = line.indexOf(":");
  if (colon <= 0 || colon > 40) return null;
  const label = line.slice(0, colon);
  if (/^\s*(https?|mailto)$/i.test(label)) return null;
  const words = wordTokens(label);
  return words.length > 0 && words.length <= 3 ? label : null;
}

/** A paragraph that is one emphasized question, as GitHub's template leaves in place. */
function isPlaceholder(nodes: PhrasingContent[]): boolean {
  const meaningful = nodes.filter((n) => !(n.type === "text" && n.value.trim() === ""));
  if (meaningful.length !== 1) return false;
  const only = meaningful[0] as PhrasingContent;
  if (only.type !== "emphasis") return false;
  const last = only.children[only.children.length - 1];
  return last?.type === "text" && last.value.trim().endsWith("?");
}

/**
 * Split a markdown description into its sections. Headings inside code blocks are text. A bold line
 * (or a `Label:` line) counts as a heading only when it names a recognized section; otherwise it is text.
 */
export function parseSections(markdown: string): Section[] {
  return readDescription(markdown).sections;
}
