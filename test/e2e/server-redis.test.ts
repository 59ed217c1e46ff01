/**
 * The process (`src/main.ts`) with `REDIS_URL`: Probot loads its Redis throttling with the app's own
 * ioredis, the app keeps its lock and ledger there, and when Redis cannot be reached a delivery that
 * needs them is answered 503. The URL's password never reaches the log.
 */
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_PRIVATE_KEY } from "../helpers/keys.js";
import { freePort, type Started, startMain } from "../helpers/process.js";
import { REDIS_URL, redisServed } from "../helpers/redis.js";

const SECRET = "e2e-webhook-secret";

const archived = JSON.stringify({
  action: "archived",
  installation: { id: 1 },
  organization: { login: "oras-project" },
  repository: {
    id: 1,
    name: "oras-go",
    full_name: "oras-project/oras-go",
    private: false,
    owner: { login: "oras-project", type: "Organization" },
  },
  sender: { login: "qweeah", type: "User" },
});

async function deliver(base: string, body: string, id: string): Promise<number> {
  const res = await fetch(`${base}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "repository",
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe("the process with REDIS_URL", () => {
  let app: Started | undefined;
  afterEach(() => {
    if (app && app.child.exitCode === null) app.child.kill("SIGKILL");
    app = undefined;
  });

  const start = async (redisUrl: string) => {
    const port = await freePort();
    app = await startMain({
      APP_ID: "12345",
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      WEBHOOK_SECRET: SECRET,
      HOST: "127.0.0.1",
      PORT: String(port),
      SWEEP_INTERVAL_MINUTES: "0",
      REDIS_URL: redisUrl,
    });
    return `http://127.0.0.1:${port}`;
  };

  it("Redis unreachable: starts, answers the delivery 503, and never logs the URL's password", async () => {
    const base = await start("redis://:not-a-real-password-51c2@127.0.0.1:1/0");
    expect(app?.output()).toContain('"coordination":"redis"');
    expect(await deliver(base, archived, "00000000-0000-4000-8000-00000000a001")).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(app?.output()).not.toContain("not-a-real-password");
  });

  it.runIf(redisServed)("Redis served: the delivery is claimed and locked there, never refused", async () => {
    const base = await start(REDIS_URL);
    expect(app?.output()).toContain('"coordination":"redis"');
    // The fake credentials reach no GitHub: the run fails after its claim and lock (200, or 202 when
    // that takes longer than Probot waits), which is never a 503.
    const status = await deliver(base, archived, "00000000-0000-4000-8000-00000000a002");
    expect([200, 202]).toContain(status);
    expect(app?.output()).not.toContain("Redis is unavailable");
    expect(app?.output()).not.toContain("Redis unreachable");
  });
});
