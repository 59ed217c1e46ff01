import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { malformed, malformedEach } from "../../src/payloads.js";
import { Prng } from "../../src/sim/prng.js";
import { mutatePayload } from "../helpers/fuzz.js";

const push = JSON.parse(readFileSync(new URL("../fixtures/webhooks/push.json", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;
const PARTS = ["push", "push_text"] as const;

describe("payload shapes of a handler made of parts (push: roster check, embargo watch)", () => {
  it("a payload with every field both parts read passes both", () => {
    expect(malformedEach(PARTS, push)).toEqual([null, null]);
  });

  it("a field only one part reads, missing: that part is refused and the other still runs", () => {
    const noUrl = structuredClone(push) as { commits: Array<{ url?: string }> };
    delete noUrl.commits[0]?.url;
    expect(malformedEach(PARTS, noUrl)).toEqual([null, "commits.0.url"]);
    const noRef = structuredClone(push);
    delete noRef.ref;
    expect(malformedEach(PARTS, noRef)).toEqual(["ref", null]);
    expect(malformedEach(PARTS, { ...push, installation: { id: "1" } })).toEqual([
      "installation.id",
      "installation.id",
    ]);
  });

  it("says for every fuzzed payload exactly what each part's own check says", () => {
    const prng = new Prng(20261204);
    let refusedBySome = 0;
    for (let i = 0; i < 400; i++) {
      const { payload } = mutatePayload(prng, "push", push);
      const each = PARTS.map((shape) => malformed(shape, payload));
      if (each.some((w) => w !== null)) refusedBySome += 1;
      expect(malformedEach(PARTS, payload), JSON.stringify(payload).slice(0, 300)).toEqual(each);
    }
    // The mutations do reach fields the parts read.
    expect(refusedBySome).toBeGreaterThan(20);
  });

  it("every field either part reads, removed or of each wrong type: the same answer as each part's check", () => {
    const read = [
      ["installation"],
      ["installation", "id"],
      ["ref"],
      ["repository"],
      ["repository", "name"],
      ["repository", "owner"],
      ["repository", "owner", "login"],
      ["repository", "default_branch"],
      ["repository", "master_branch"],
      ["repository", "private"],
      ["repository", "full_name"],
      ["commits"],
      ["commits", 0],
      ...["added", "modified", "removed", "id", "message", "url", "author"].map((k) => ["commits", 0, k]),
      ["commits", 0, "author", "username"],
      ["commits", 0, "added", 0],
    ] as const;
    let cases = 0;
    for (const path of read) {
      for (const value of [undefined, null, 0, "", "x", true, [], {}, [{}]]) {
        const payload = structuredClone(push) as Record<string | number, unknown>;
        let at = payload;
        for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
        at[path.at(-1) as string | number] = value;
        const each = PARTS.map((shape) => malformed(shape, payload));
        expect(malformedEach(PARTS, payload), `${path.join(".")} = ${JSON.stringify(value)}`).toEqual(each);
        if (each.some((w) => w !== null)) cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(100);
  });
});
