import { describe, expect, it } from "vitest";
import { decodeState, encodeState, newTrackingState, renderTrackingBody } from "../../src/domain/tracking.js";

const now = new Date("2026-11-20T10:00:00Z");

describe("tracking issue state", () => {
  it("round-trips through the hidden marker", () => {
    const state = newTrackingState([{ repo: "oras-project/oras-go", ghsa: "GHSA-2345-6789-cfgh" }], now);
    state.added.push("alice");
    state.hold = { reason: "waiting for a downstream fix --> really", by: "sajay" };
    state.managed["GHSA-2345-6789-cfgh"] = ["qweeah"];
    state.notices.push("blocked:GHSA-2345-6789-cfgh:v2.6.1");
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
