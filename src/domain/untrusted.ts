/**
 * The one escaping function for text the app did not write: advisory summaries and descriptions,
 * issue titles and bodies, command lines it quotes, handles, release names, configuration error text.
 * Every renderer passes such text through `escapeUntrusted` before it reaches a body the app writes.
 *
 * Its output never contains `<` (nor a character that normalizes to it), so it can never open an HTML
 * comment, and therefore never forms one of the app's hidden markers, alone or next to any other
 * escaped text. `&` is escaped too, so what people typed is shown exactly as typed: `&lt;!--` renders
 * as `<!--`, readable and inert. Linear in the length of the text.
 */

/** Where the text goes: a paragraph (line breaks kept), one line or a table cell, or a code span. */
export type UntrustedPlace = "block" | "inline" | "code";

/**
 * Characters whose compatibility or canonical decomposition contains `<` or `>` (fullwidth and small
 * forms, the negated relations): a reader that normalizes text must not find a marker either.
 */
const LOOKALIKES: ReadonlyMap<string, string> = new Map([
  ["\u226e", "&#x226E;"],
  ["\u226f", "&#x226F;"],
  ["\ufe64", "&#xFE64;"],
  ["\ufe65", "&#xFE65;"],
  ["\uff1c", "&#xFF1C;"],
  ["\uff1e", "&#xFF1E;"],
]);

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

// In a code span entities are shown as typed, so angle brackets (and what normalizes to them) become
// single angle quotation marks, and a backtick, which would end the span, an apostrophe.
const IN_CODE: Readonly<Record<string, string>> = {
  "<": "\u2039",
  "\u226e": "\u2039",
  "\ufe64": "\u2039",
  "\uff1c": "\u2039",
  ">": "\u203a",
  "\u226f": "\u203a",
  "\ufe65": "\u203a",
  "\uff1e": "\u203a",
  "`": "'",
};

const TEXT = /[&<>\u226e\u226f\ufe64\ufe65\uff1c\uff1e]/g;
const CODE = /[<>`\u226e\u226f\ufe64\ufe65\uff1c\uff1e]/g;
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;
// NUL and other C0 controls (but tab and line breaks) have no place in a rendered body.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function escapeUntrusted(text: string, place: UntrustedPlace = "inline"): string {
  let out = text.replace(CONTROLS, "");
  if (place === "code") {
    // CODE matches exactly IN_CODE's keys: the fallback is never taken.
    out = out.replace(CODE, (c) => IN_CODE[c] ?? "");
    return out.replace(LINE_BREAKS, " ");
  }
  out = out.replace(TEXT, (c) => ENTITIES[c] ?? LOOKALIKES.get(c) ?? "");
  if (place === "inline") out = out.replace(LINE_BREAKS, " ").replace(/\|/g, "\\|");
  return out;
}

/** Longest text quoted into a comment (GitHub caps a comment at 65,536 characters). */
const MAX_QUOTED = 60_000;

/**
 * Text people typed, as a markdown quote the app may post (a report's text kept on its tracking issue):
 * escaped by `escapeUntrusted`, so it can never form markup; cut when longer than a comment may be.
 */
export function quoteUntrusted(text: string): string {
  const escaped = escapeUntrusted(text, "block");
  const cut = escaped.length > MAX_QUOTED ? `${escaped.slice(0, MAX_QUOTED)}…` : escaped;
  const lines = cut.trim() === "" ? ["(empty)"] : cut.split(LINE_BREAKS);
  return lines.map((l) => `> ${l}`).join("\n");
}
