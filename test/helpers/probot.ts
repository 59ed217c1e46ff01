import type { Logger } from "pino";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { TEST_PRIVATE_KEY, TEST_WEBHOOK_SECRET } from "./keys.js";

/**
 * Probot's Octokit without retries and throttling, so a missing mock fails at once. A function, because
 * Probot merges its own `throttle` options over plain defaults.
 */
export const TestOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { ...(o.throttle as object), enabled: false },
}));

export function testProbot(options: { log?: Logger; baseUrl?: string } = {}): Probot {
  return new Probot({
    appId: 1,
    privateKey: TEST_PRIVATE_KEY,
    secret: TEST_WEBHOOK_SECRET,
    Octokit: TestOctokit,
    log: options.log ?? pino({ level: "silent" }),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
}

/** An installation Octokit for gateway and workflow tests (nock answers its requests). */
export function testOctokit(baseUrl = "https://api.github.com"): InstanceType<typeof ProbotOctokit> {
  return new TestOctokit({ auth: { token: "test-token" }, baseUrl });
}
