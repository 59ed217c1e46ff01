import { describe, expect, it } from "vitest";
import {
  decodeState,
  encodeState,
  mergeTrackingStates,
  newTrackingState,
  renderTrackingBody,
} from "../../src/domain/tracking.js";

const now = new Date("2026-11-20T10:00:00Z");

describe("tracking issue state", () => {
  it("round-trips through the hidden marker", () => {
    const state = newTrackingState([{ repo: "oras-project/oras-go", ghsa: "GHSA-2345-6789-cfgh" }], now);
    state.added.push("alice");
    state.hold = { reason: "waiting for a downstream fix --> really", by: "sajay" };
    state.managed["GHSA-2345-6789-cfgh"] = ["qweeah"];
    state.notices.push("blocked:GHSA-2345-6789-cfgh:v2.6.1");
    state.milestones["ghsa-2345-6789-cfgh"] = { acceptedAt: now.toISOString(), staffedAt: now.toISOString() };
    const body = renderTrackingBody([], state);
    expect(decodeState(body)).toEqual(state);
    expect(body).toContain(encodeState(state));
  });

  it("a body without a marker, or with a corrupt one, has no state", () => {
    expect(decodeState("plain text")).toBeNull();
    expect(decodeState("<!-- oras-advisory-bot:state bm90IGpzb24 -->")).toBeNull();
    expect(decodeState(null)).toBeNull();
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
    const state = decodeState(`<!-- oras-advisory-bot:state ${raw} -->`);
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
