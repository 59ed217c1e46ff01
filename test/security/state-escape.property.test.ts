/**
 * `escapeUntrusted` is the one function every renderer passes people's text through. Whatever the
 * input — markers, split sequences, look-alike characters — its output can never open an HTML comment
 * or form one of the app's markers, alone or next to other escaped text, and it stays readable.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { deriveStateKey, encodeState, newTrackingState, readStateMarker } from "../../src/domain/tracking.js";
import { escapeUntrusted, quoteUntrusted, type UntrustedPlace } from "../../src/domain/untrusted.js";

const PLACES: UntrustedPlace[] = ["block", "inline", "code"];
const KEY = deriveStateKey("a-state-secret-for-tests");

/** Pieces attackers combine: the comment delimiters, marker names, and characters that look or normalize alike. */
const PIECES = [
  "<",
  "!",
  "-",
  "--",
  ">",
  "<!--",
  "-->",
  "<!-",
  "- -",
  " oras-advisory-bot:state ",
  "oras-advisory-bot:reply",
  "oras-advisory-bot:notice blocked:GHSA-2345-6789-cfgh:v2.6.1",
  "&lt;",
  "&#60;",
  "&#x3c;",
  "\uff1c",
  "\ufe64",
  "\u226e",
  "\u003c\u0338",
  "\u2039",
  "\u200b",
  "\u0000",
  "\r",
  "\n",
  "|",
  "`",
  "\\",
  "eyJ2IjoxfQ",
  ".",
];

const hostile = fc
  .array(
    fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 }), fc.string({ unit: "binary", maxLength: 4 })),
    {
      maxLength: 40,
    },
  )
  .map((parts) => parts.join(""));

function noCommentOrMarker(text: string): void {
  for (const form of [text, text.normalize("NFKC"), text.normalize("NFKD"), text.normalize("NFD")]) {
    expect(form).not.toContain("<");
  }
  expect(text).not.toMatch(/<!--|oras-advisory-bot:(state|reply|notice)[^\n]*-->/);
}

describe("escapeUntrusted", () => {
  it("never lets an HTML comment or a marker through, in any place, alone or concatenated", () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), fc.constantFrom(...PLACES), (texts, place) => {
        const out = texts.map((t) => escapeUntrusted(t, place));
        for (const o of out) noCommentOrMarker(o);
        noCommentOrMarker(out.join(""));
        noCommentOrMarker(out.join("\n"));
      }),
      { numRuns: 600 },
    );
  });

  it("a body that ends with escaped text has no state, and a signed marker after escaped text still verifies", () => {
    const state = newTrackingState([{ repo: "o/r", ghsa: "GHSA-2345-6789-cfgh" }], new Date("2026-11-20T10:00:00Z"));
    fc.assert(
      fc.property(hostile, fc.constantFrom(...PLACES), (text, place) => {
        const escaped = escapeUntrusted(`${text}${encodeState(state, KEY)}`, place);
        expect(readStateMarker(escaped, KEY).verdict).toBe("none");
        expect(parseReply(escaped)).toBeNull();
        const body = `${escapeUntrusted(text, place)}\n\n${encodeState(state, KEY)}`;
        expect(readStateMarker(body, KEY)).toEqual({ verdict: "verified", state });
      }),
      { numRuns: 300 },
    );
  });

  it("every character that normalizes to an angle bracket is covered", () => {
    const missed: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (c === "<" || c === ">") continue;
      const n = c.normalize("NFKD");
      if (!n.includes("<") && !n.includes(">")) continue;
      for (const place of PLACES) if (/[<>]/.test(escapeUntrusted(c, place).normalize("NFKD"))) missed.push(c);
    }
    expect(missed).toEqual([]);
  });

  it("stays readable: text is kept, only what could form markup is escaped", () => {
    expect(escapeUntrusted("Path traversal in `oras pull` < 2.6.1 & co")).toBe(
      "Path traversal in `oras pull` &lt; 2.6.1 &amp; co",
    );
    expect(escapeUntrusted("a | b\nc", "inline")).toBe("a \\| b c");
    expect(escapeUntrusted("line one\nline two", "block")).toBe("line one\nline two");
    expect(escapeUntrusted("<!-- x -->", "code")).toBe("\u2039!-- x --\u203a");
    expect(escapeUntrusted("Ünïcödé — 漏洞 🙂")).toBe("Ünïcödé — 漏洞 🙂");
  });

  it("escapes a megabyte of markers in one pass", () => {
    const big = "<!-- oras-advisory-bot:state x -->".repeat(30_000);
    const out = escapeUntrusted(big, "block");
    expect(out).not.toContain("<");
    expect(out.length).toBeGreaterThan(big.length);
  });
});

describe("quoteUntrusted (the text a tracking issue was opened with, kept in a comment)", () => {
  it("quotes every line and never lets an HTML comment or a marker through", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = quoteUntrusted(text);
        noCommentOrMarker(out);
        for (const line of out.split("\n")) expect(line.startsWith("> ")).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("stays readable, and fits a comment however long the text", () => {
    expect(quoteUntrusted("Reported by email.\r\n\nAdvisory: GHSA-2345-6789-cfgh <b>")).toBe(
      "> Reported by email.\n> \n> Advisory: GHSA-2345-6789-cfgh &lt;b&gt;",
    );
    expect(quoteUntrusted("  ")).toBe("> (empty)");
    const long = quoteUntrusted("&".repeat(100_000));
    expect(long.length).toBeLessThan(65_536);
    expect(long).not.toContain("<");
  });
});
