import nock from "nock";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { RecordedRequest } from "../src/sim/index.js";
import { observeRequestWindows } from "../src/sim/windows.js";

// No test reaches the real network: only loopback (the embedded simulator and the app's own server).
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
});

// Every request the app makes to a test bed's simulator must be one GitHub would accept: checked
// against GitHub's OpenAPI description (and GraphQL schema) after every test that used a bed.
const windows: RecordedRequest[][] = [];
observeRequestWindows((requests) => {
  windows.push([...requests]);
});

async function assertConformance(): Promise<void> {
  const taken = windows.splice(0);
  if (taken.length === 0) return;
  const { checkConformance, formatViolations } = await import("./helpers/conformance.js");
  const violations = taken.flatMap((requests) => checkConformance(requests));
  if (violations.length > 0)
    throw new Error(
      `requests GitHub would not accept (${violations.length}):\n${formatViolations(violations.slice(0, 20))}`,
    );
}

afterEach(assertConformance);
afterAll(assertConformance);
