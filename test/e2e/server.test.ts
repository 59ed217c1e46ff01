import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PRIVATE_KEY } from "../helpers/keys.js";
import { freePort, type Started, startMain } from "../helpers/process.js";

const SECRET = "e2e-webhook-secret";

describe("the process (src/main.ts) with fake credentials", () => {
  let app: Started;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startMain({
      APP_ID: "12345",
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      WEBHOOK_SECRET: SECRET,
      HOST: "127.0.0.1",
      PORT: String(port),
      SWEEP_INTERVAL_MINUTES: "0",
    });
  });

  afterAll(() => {
    if (app.child.exitCode === null) app.child.kill("SIGKILL");
  });

  it("answers /healthz and /readyz", async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });

  it("rejects a webhook whose signature is wrong", async () => {
    const wrong = `sha256=${createHmac("sha256", "not-the-secret").update(body).digest("hex")}`;
    const res = await fetch(`${base}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "00000000-0000-4000-8000-000000000001",
        "x-hub-signature-256": wrong,
      },
      body,
    });
    expect(res.status).toBe(400);
  });

  it("accepts a correctly signed webhook", async () => {
    const right = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const res = await fetch(`${base}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "00000000-0000-4000-8000-000000000002",
        "x-hub-signature-256": right,
      },
      body,
    });
    expect(res.status).toBe(200);
  });

  it("exits cleanly on SIGTERM and never logs its private key", async () => {
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain("shutting down");
    expect(app.output()).not.toContain("PRIVATE KEY");
  });
});
