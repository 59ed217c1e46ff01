import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fitsAll, malformed, malformedEach, type PayloadShape, payloadSchema } from "../../src/payloads.js";
import { Prng } from "../../src/sim/prng.js";
import { mutatePayload } from "../helpers/fuzz.js";

const push = JSON.parse(readFileSync(new URL("../fixtures/webhooks/push.json", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;
const PARTS = ["push", "push_text"] as const;

type Path = Array<string | number>;

/** Every field a schema reads (array elements as index 0), walked from the schema itself. */
function fieldsOf(schema: z.ZodType, at: Path = []): Path[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
      return fieldsOf(def.innerType as z.ZodType, at);
    case "object":
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, s]) => [
        [...at, key],
        ...fieldsOf(s, [...at, key]),
      ]);
    case "array":
      return [[...at, 0], ...fieldsOf(def.element as z.ZodType, [...at, 0])];
    default:
      return [];
  }
}

function setAt(payload: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(payload) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== "object" || next === null) return copy; // the field's parent is not in this payload
    at = next as Record<string | number, unknown>;
  }
  at[path.at(-1) as string | number] = value;
  return copy;
}

/** The answer of each part's own schema, and the checks `malformedEach` may take instead. */
function agree(shapes: readonly PayloadShape[], payload: unknown, why: string) {
  const each = shapes.map((shape) => malformed(shape, payload));
  // The hand-written check never accepts what a schema refuses.
  if (fitsAll(shapes, payload)) expect(each, `${why}: accepted by the shortcut`).toEqual(shapes.map(() => null));
  expect(malformedEach(shapes)(payload), why).toEqual(each);
  return each;
}

const WRONG: unknown[] = [undefined, null, 0, -1, 1.5, Number.NaN, 2 ** 60, "", "x", true, [], [null], {}, [{}]];

describe("payload shapes of a handler made of parts (push: roster check, embargo watch)", () => {
  it("real push payloads pass both parts' checks, through the shortcut", () => {
    expect(fitsAll(PARTS, push)).toBe(true);
    expect(malformedEach(PARTS)(push)).toEqual([null, null]);
    const noCommits = { ...push, commits: [] };
    expect(fitsAll(PARTS, noCommits)).toBe(true);
    const nulls = structuredClone(push) as { repository: Record<string, unknown>; commits: Record<string, unknown>[] };
    nulls.repository.master_branch = null;
    for (const c of nulls.commits) Object.assign(c, { added: null, author: { username: null } });
    expect(fitsAll(PARTS, nulls)).toBe(true);
    expect(agree(PARTS, nulls, "nulls")).toEqual([null, null]);
  });

  it("a field only one part reads, missing: that part is refused and the other still runs", () => {
    const noUrl = structuredClone(push) as { commits: Array<{ url?: string }> };
    delete noUrl.commits[0]?.url;
    expect(malformedEach(PARTS)(noUrl)).toEqual([null, "commits.0.url"]);
    const noRef = structuredClone(push);
    delete noRef.ref;
    expect(malformedEach(PARTS)(noRef)).toEqual(["ref", null]);
    expect(malformedEach(PARTS)({ ...push, installation: { id: "1" } })).toEqual([
      "installation.id",
      "installation.id",
    ]);
  });

  it("every field either part's schema reads, removed or of each wrong type: the same answer as each schema's", () => {
    const fields = [...new Set(PARTS.flatMap((shape) => fieldsOf(payloadSchema(shape))).map((p) => p.join(".")))];
    // The walk finds what the parts read: the roster check's paths and the embargo watch's text.
    expect(fields).toEqual(
      expect.arrayContaining(["ref", "repository.default_branch", "commits.0.modified.0", "commits.0.message"]),
    );
    let refused = 0;
    for (const field of fields) {
      const path = field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      for (const value of WRONG) {
        const each = agree(PARTS, setAt(push, path, value), `${field} = ${String(value)}`);
        if (each.some((w) => w !== null)) refused += 1;
      }
    }
    expect(refused).toBeGreaterThan(fields.length * 5);
  });

  it("fuzzed payloads: the same answer as each part's schema", () => {
    const prng = new Prng(20261204);
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const { payload, mutation } = mutatePayload(prng, "push", push);
      if (agree(PARTS, payload, mutation).some((w) => w !== null)) refused += 1;
    }
    expect(refused).toBeGreaterThan(20);
  });
});
