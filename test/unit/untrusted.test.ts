/**
 * The one escaping function for text the app did not write: exact renderings per place. (The
 * property that no escaped text ever forms a marker is in test/security/state-escape.property.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { escapeUntrusted } from "../../src/domain/untrusted.js";

describe("escapeUntrusted", () => {
  it("inline (the default): entities for & < >, line breaks as spaces, table pipes escaped", () => {
    expect(escapeUntrusted("a & b <!-- x --> |c|")).toBe("a &amp; b &lt;!-- x --&gt; \\|c\\|");
    expect(escapeUntrusted("one\r\ntwo\rthree\nfour\u2028five\u2029six", "inline")).toBe("one two three four five six");
  });

  it("block: entities, line breaks and pipes kept", () => {
    expect(escapeUntrusted("a <b>\n| c |\r\nd", "block")).toBe("a &lt;b&gt;\n| c |\r\nd");
  });

  it("characters that normalize to angle brackets become numeric references", () => {
    expect(escapeUntrusted("\uff1c!--\u226e\u226f\ufe64\ufe65\uff1e", "block")).toBe(
      "&#xFF1C;!--&#x226E;&#x226F;&#xFE64;&#xFE65;&#xFF1E;",
    );
  });

  it("code: angle brackets and look-alikes become angle quotation marks, backticks apostrophes, lines one", () => {
    expect(escapeUntrusted("`<!-- x -->` & |\n\uff1c\ufe64\u226e\uff1e\ufe65\u226f", "code")).toBe(
      "'\u2039!-- x --\u203a' & | \u2039\u2039\u2039\u203a\u203a\u203a",
    );
  });

  it("control characters are dropped everywhere; tabs and line breaks are not controls here", () => {
    const controls = "\u0000\u0001\u0008\u000b\u000c\u000e\u001f\u007f";
    expect(escapeUntrusted(`a${controls}b\tc`, "block")).toBe("ab\tc");
    expect(escapeUntrusted(`a${controls}b`, "code")).toBe("ab");
    expect(escapeUntrusted(`a${controls}\nb`, "inline")).toBe("a b");
  });
});
