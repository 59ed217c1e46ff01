/**
 * Issue 14 item 11: the sweep route takes its token only in the `Bearer` scheme. The bare token, or the
 * token under another scheme, is refused with 401 and runs nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SWEEP_PATH } from "../../src/index.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { seedOras } from "../../src/sim/oras-world.js";

const TOKEN = "sweep-token-0123456789abcdef";

describe("sweep route: Bearer scheme only", () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await startBed({ settings: { sweepToken: TOKEN } });
    seedOras(bed.sim);
  });
  afterAll(async () => {
    await bed.close();
  });

  const post = (authorization: string) =>
    fetch(`${bed.appUrl}${SWEEP_PATH}`, { method: "POST", headers: { authorization } });

  it("refuses the bare token, another scheme, or a scheme with no space, and reads nothing from GitHub", async () => {
    bed.sim.resetRequests();
    for (const header of [TOKEN, `Token ${TOKEN}`, `Basic ${TOKEN}`, `Bearer${TOKEN}`, `xBearer ${TOKEN}`]) {
      expect([header, (await post(header)).status]).toEqual([header, 401]);
    }
    expect(bed.sim.requests).toEqual([]);
  });

  it("accepts `Bearer <token>` (the scheme is case-insensitive, as HTTP says)", async () => {
    expect((await post(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await post(`bearer ${TOKEN}`)).status).toBe(200);
  });
});
