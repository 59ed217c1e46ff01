import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { checkConformance, formatViolations } from "../helpers/conformance.js";
import { ORG, seededSimulator } from "./seed.js";

describe("simulator with a real Probot app (JWT auth, config plugin, signed webhooks, GraphQL)", () => {
  let sim: Simulator;
  let server: Server;
  const seen: string[] = [];

  beforeAll(async () => {
    ({ sim } = await seededSimulator());
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const probot = new Probot({
      appId: sim.world.app.id,
      privateKey,
      secret: "s3cret",
      baseUrl: sim.url,
      logLevel: "fatal",
    });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on("issue_comment.created", async (context) => {
          if (context.isBot) return;
          const config = await context.config<{ tracker?: { repo?: string } }>("advisory-bot.yml");
          const data = await context.octokit.graphql<{
            organization: { team: { members: { nodes: { login: string }[] } } };
          }>(
            `query($org: String!) { organization(login: $org) { team(slug: "security") { members(first: 100) { nodes { login } } } } }`,
            { org: context.payload.repository.owner.login },
          );
          seen.push(`tracker=${config?.tracker?.repo}`, ...data.organization.team.members.nodes.map((n) => n.login));
          await context.octokit.rest.issues.createComment(context.issue({ body: "> /advisory help\n\nack" }));
        });
      },
      { probot },
    );
    server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    sim.setWebhookTarget({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
      secret: "s3cret",
    });
  });
  afterAll(async () => {
    await sim.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("receives a comment webhook and answers through the simulator", async () => {
    const issue = await sim.openIssue(ORG, "oras", "reporter1", { title: "Help" });
    const delivered = await sim.comment(ORG, "oras", issue.number, "qweeah", "/advisory help");
    expect(delivered.status).toBe(200);
    await sim.idle();
    expect(seen).toEqual(["tracker=security-response", "sajay", "shizhmsft"]);
    const comments = sim.world.listComments(ORG, "oras", issue.number);
    expect(comments.map((c) => [c.user, c.body])).toEqual([
      ["qweeah", "/advisory help"],
      ["oras-advisory-bot[bot]", "> /advisory help\n\nack"],
    ]);
    expect(sim.requests.some((r) => r.route === "/app/installations/{installation_id}/access_tokens")).toBe(true);
    expect(formatViolations(checkConformance(sim.requests))).toBe("");
    expect(sim.unknownRoutes).toEqual([]);
  });
});
