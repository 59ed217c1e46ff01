/**
 * The built app as production runs it: `npm run build`, then `node lib/main.js` as its own process,
 * pointed at the simulator as a GitHub Enterprise Server (GHE_HOST), with signed webhooks. Nothing of
 * the app is loaded into the test: what it does is seen on the simulator only.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { BED_SECRET, bedEnv } from "../../src/sim/harness.js";
import { createSimulator, type Simulator } from "../../src/sim/index.js";
import { ORG, seedHandTracked, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { buildOnce, freePort, type Started, startBuilt, until } from "../helpers/process.js";
import { stateIn } from "../helpers/world.js";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

/** The verified state in the app's state comment on a tracking issue a person opened, or null. */
function stateOf(sim: Simulator, issue: number) {
  const app = `${sim.world.app.slug}[bot]`;
  const comment = sim.world.listComments(ORG, TRACKER, issue).find((c) => c.user === app && stateIn(c.body) !== null);
  return comment ? stateIn(comment.body) : null;
}

describe("node lib/main.js against the simulator", () => {
  let sim: Simulator;
  let app: Started | undefined;
  let hand: { ghsa: string; issue: number };

  beforeAll(async () => {
    await buildOnce();
    sim = await createSimulator({ seed: 5 });
    seedOras(sim);
    hand = seedHandTracked(sim, { patched: "2.6.1" });
    const port = await freePort();
    app = await startBuilt({
      ...bedEnv(sim, privateKey, port, { sweepIntervalMinutes: 15 }),
      NODE_ENV: "production",
      LOG_FORMAT: "json",
    });
    sim.setWebhookTarget({ url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: BED_SECRET });
  }, 300_000);

  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill("SIGTERM");
      await app.exited;
    }
    await sim?.close();
  });

  it("the first sweep runs at start-up and adopts the tracking issue a person opened", async () => {
    await until("the adoption", () => stateOf(sim, hand.issue) !== null);
    expect(stateOf(sim, hand.issue)?.advisories).toEqual([{ repo: `${ORG}/oras-go`, ghsa: hand.ghsa }]);
    // Requests went to GitHub Enterprise's layout.
    expect(sim.requests.some((r) => r.graphql !== undefined)).toBe(true);
  }, 60_000);

  it("a command meeting a secondary rate limit past GitHub's 10 s budget: answered at once, finished in the background", async () => {
    await sim.idle();
    await until("the sweep to finish", () =>
      sim.world.listIssues(ORG, TRACKER).some((i) => i.labels.includes("advisory-dashboard")),
    );
    // The reply is refused once with a secondary limit asking for 10 s: more than GitHub waits for an answer.
    sim.failNext((r) => r.method === "POST" && r.path === `/repos/${ORG}/${TRACKER}/issues/${hand.issue}/comments`, 1, {
      kind: "secondary-rate-limit",
      retryAfter: 10,
    });
    const sent = await sim.comment(ORG, TRACKER, hand.issue, "sajay", "/advisory hold until the distributions ship");
    await sim.idle();
    // Probot answers "still processing" before GitHub's 10 s are up; the work goes on.
    expect(sent.status).toBe(202);
    const reply = () =>
      sim.world
        .listComments(ORG, TRACKER, hand.issue)
        .map((c) => parseReply(c.body))
        .find((m) => m?.commentId === sent.comment_id);
    await until("the reply", () => reply() !== undefined, 30_000);
    expect(reply()?.entries).toEqual([expect.objectContaining({ ok: true })]);
    expect(stateOf(sim, hand.issue)?.hold).toMatchObject({ by: "sajay" });
    const limited = sim.requests.filter((r) => r.fault === "secondary-rate-limit");
    expect(limited).toHaveLength(1);

    // Held: the fixing release publishes nothing.
    await sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await sim.idle();
    expect(sim.world.getAdvisory(hand.ghsa)?.state).toBe("draft");
    expect(app?.output()).not.toContain(privateKey.split("\n")[1]);
  }, 90_000);
});
