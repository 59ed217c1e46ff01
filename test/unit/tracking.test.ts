import { describe, expect, it } from "vitest";
import {
  deriveStateKey,
  encodeState,
  mergeTrackingStates,
  newTrackingState,
  readStateMarker,
  renderTrackingBody,
} from "../../src/domain/tracking.js";

const now = new Date("2026-11-20T10:00:00Z");
const KEY = deriveStateKey("a-state-secret-for-tests");

function verified(body: string | null | undefined) {
  const r = readStateMarker(body, KEY);
  return r.verdict === "verified" ? r.state : null;
}

describe("tracking issue state", () => {
  it("round-trips through the signed marker at the end of the body", () => {
    const state = newTrackingState([{ repo: "oras-project/oras-go", ghsa: "GHSA-2345-6789-cfgh" }], now);
    state.added.push("alice");
    state.hold = { reason: "waiting for a downstream fix --> really", by: "sajay" };
    state.managed["GHSA-2345-6789-cfgh"] = ["qweeah"];
    state.notices.push("blocked:GHSA-2345-6789-cfgh:v2.6.1");
    state.milestones["ghsa-2345-6789-cfgh"] = { acceptedAt: now.toISOString(), staffedAt: now.toISOString() };
    const body = renderTrackingBody([], state, KEY);
    expect(verified(body)).toEqual(state);
    expect(body.endsWith(encodeState(state, KEY))).toBe(true);
  });

  it("signs the canonical content: the order fields were set in does not matter", () => {
    const a = newTrackingState([{ repo: "o/r", ghsa: "GHSA-2345-6789-cfgh" }], now);
    const b = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(encodeState(b, KEY)).toBe(encodeState(a, KEY));
  });

  it("a body without a marker has no state; a corrupt, unsigned, edited or foreign-key marker does not verify", () => {
    const state = newTrackingState([{ repo: "o/r", ghsa: "GHSA-2345-6789-cfgh" }], now);
    expect(readStateMarker("plain text", KEY)).toEqual({ verdict: "none" });
    expect(readStateMarker(null, KEY)).toEqual({ verdict: "none" });
    expect(readStateMarker("<!-- oras-advisory-bot:state bm90IGpzb24 -->", KEY).verdict).toBe("unverified");
    const signed = encodeState(state, KEY);
    const [payload, signature] = /state ([^ ]+) -->/.exec(signed)![1]!.split(".");
    const unsigned = `<!-- oras-advisory-bot:state ${payload} -->`;
    expect(readStateMarker(unsigned, KEY)).toMatchObject({ verdict: "unverified", state });
    const edited = Buffer.from(JSON.stringify({ ...state, added: ["stranger"] }), "utf8").toString("base64url");
    expect(readStateMarker(`<!-- oras-advisory-bot:state ${edited}.${signature} -->`, KEY).verdict).toBe("unverified");
    expect(readStateMarker(signed, deriveStateKey("another-state-secret")).verdict).toBe("unverified");
    // Text written after the marker: it is no longer the end of the body, and is not obeyed.
    expect(readStateMarker(`${signed}\nmore`, KEY).verdict).toBe("unverified");
  });

  it("reads only the marker that ends the body: a verified marker earlier in the text is just text", () => {
    const state = newTrackingState([{ repo: "o/r", ghsa: "GHSA-2345-6789-cfgh" }], now);
    const other = { ...state, added: ["stranger"] };
    const body = `${encodeState(other, KEY)}\n\nstatus\n\n${encodeState(state, KEY)}\n`;
    expect(verified(body)).toEqual(state);
  });

  it("ignores fields of the wrong type instead of trusting them", () => {
    const raw = Buffer.from(
      JSON.stringify({
        v: 1,
        advisories: [{ repo: "o/r", ghsa: "GHSA-2345-6789-cfgh" }, { repo: 3 }],
        added: ["a", 5],
        hold: { reason: 7 },
      }),
    ).toString("base64url");
    const reading = readStateMarker(`<!-- oras-advisory-bot:state ${raw} -->`, KEY);
    const state = reading.verdict === "unverified" ? reading.state : null;
    expect(state?.advisories).toEqual([{ repo: "o/r", ghsa: "GHSA-2345-6789-cfgh" }]);
    expect(state?.added).toEqual(["a"]);
    expect(state?.hold).toBeNull();
  });

  it("renders the GHSA id, the repository and the checklist", () => {
    const state = newTrackingState([{ repo: "oras-project/oras-go", ghsa: "GHSA-2345-6789-cfgh" }], now);
    const body = renderTrackingBody(
      [
        {
          repo: "oras-project/oras-go",
          ghsa: "GHSA-2345-6789-cfgh",
          htmlUrl: "https://github.com/oras-project/oras-go/security/advisories/GHSA-2345-6789-cfgh",
          summary: "Path | traversal",
          severity: "high",
          state: "draft",
          team: ["qweeah"],
          fork: null,
          cve: null,
          fixingRelease: null,
          blockers: [],
          checklist: [
            { label: "Report acknowledged", done: false },
            { label: "Patch team staffed", done: true },
          ],
          notes: [],
        },
      ],
      state,
      KEY,
    );
    expect(body).toContain("GHSA-2345-6789-cfgh");
    expect(body).toContain("| Repository | oras-project/oras-go |");
    expect(body).toContain("Path \\| traversal");
    expect(body).toContain("- [ ] Report acknowledged");
    expect(body).toContain("- [x] Patch team staffed");
  });
});

describe("merging a duplicate tracking issue's state", () => {
  const go = { repo: "oras-project/oras-go", ghsa: "GHSA-2345-6789-cfgh" };
  const cli = { repo: "oras-project/oras", ghsa: "GHSA-mmmm-pppp-qqqq" };
  const keep = {
    ...newTrackingState([go], new Date("2026-11-20T10:00:00Z")),
    added: ["Alice"],
    removed: ["bob"],
    notices: ["blocked:GHSA-2345-6789-cfgh:v2.6.1"],
    forkRequestedAt: { [go.ghsa]: "2026-11-20T10:00:01Z" },
    managed: { [go.ghsa]: ["alice", "qweeah"] },
    milestones: { [go.ghsa.toLowerCase()]: { acceptedAt: "2026-11-20T10:00:01Z" } },
  };
  const other = {
    ...newTrackingState([go, cli], new Date("2026-11-20T09:59:59Z")),
    added: ["alice", "bob", "carol"],
    removed: ["dave", "ALICE"],
    hold: { reason: "waiting for the CLI", by: "sajay" },
    acknowledgedAt: "2026-11-21T08:00:00Z",
    lastReminderAt: "2026-11-23T00:00:00Z",
    notices: ["blocked:GHSA-2345-6789-cfgh:v2.6.1", "ack-reminder:2026-11-23"],
    forkRequestedAt: { [go.ghsa]: "2026-11-20T10:00:02Z", [cli.ghsa]: "2026-11-20T10:00:03Z" },
    managed: { [go.ghsa]: ["someone-else"] },
    milestones: {
      [go.ghsa.toLowerCase()]: { acceptedAt: "2026-11-20T10:00:00Z", staffedAt: "2026-11-20T10:00:00Z" },
      [cli.ghsa.toLowerCase()]: { acceptedAt: "2026-11-20T10:00:03Z" },
    },
  };

  it("loses nothing either recorded; the kept issue decides where they disagree", () => {
    expect(mergeTrackingStates(keep, other)).toEqual({
      v: 1,
      advisories: [go, cli],
      added: ["Alice", "carol"], // bob stays removed: the kept issue removed him
      removed: ["bob", "dave"], // alice stays added: the kept issue added her
      hold: { reason: "waiting for the CLI", by: "sajay" }, // a hold on either holds
      reportedAt: "2026-11-20T09:59:59.000Z",
      acknowledgedAt: "2026-11-21T08:00:00Z",
      lastReminderAt: "2026-11-23T00:00:00Z",
      forkRequestedAt: { [go.ghsa]: "2026-11-20T10:00:01Z", [cli.ghsa]: "2026-11-20T10:00:03Z" },
      managed: { [go.ghsa]: ["alice", "qweeah"] },
      notices: ["blocked:GHSA-2345-6789-cfgh:v2.6.1", "ack-reminder:2026-11-23"],
      milestones: {
        [go.ghsa.toLowerCase()]: { acceptedAt: "2026-11-20T10:00:01Z" },
        [cli.ghsa.toLowerCase()]: { acceptedAt: "2026-11-20T10:00:03Z" },
      },
      watch: [],
    });
  });

  it("keeps the kept issue's hold and earliest dates", () => {
    const held = { ...keep, hold: { reason: "embargo", by: "FeynmanZhou" }, acknowledgedAt: "2026-11-20T11:00:00Z" };
    const merged = mergeTrackingStates(held, other);
    expect(merged.hold).toEqual({ reason: "embargo", by: "FeynmanZhou" });
    expect(merged.acknowledgedAt).toBe("2026-11-20T11:00:00Z");
    expect(mergeTrackingStates(held, held)).toEqual(held);
  });
});
