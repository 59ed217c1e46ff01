import nock from "nock";
import { afterAll, afterEach, beforeAll } from "vitest";

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
