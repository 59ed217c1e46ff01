/** A small ORAS-like world shared by the simulator tests. */
import { Octokit } from "@octokit/rest";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/sim/index.js";

export const ORG = "oras-project";

export async function seededSimulator(
  options: SimulatorOptions = {},
  installation: { permissions?: Record<string, string> } = {},
): Promise<{ sim: Simulator; installationId: number }> {
  const sim = await createSimulator({ seed: 7, ...options });
  const { installationId } = sim.world.seedOrg(ORG, {
    admins: ["sajay"],
    members: ["shizhmsft", "qweeah", "wangxiaoxuan273", "tarunbhardwaj"],
    repos: [
      {
        name: "oras-go",
        files: {
          "OWNERS.md": "# Owners\n\n- Shiwei Zhang (@shizhMSFT)\n- Billy Zha (@qweeah)\n",
          CODEOWNERS: "* @shizhMSFT @qweeah @oras-project/oras-go-maintainers\n",
        },
      },
      { name: "oras", files: { "MAINTAINERS.md": "- @wangxiaoxuan273\n" } },
      { name: "security-response", private: true },
      { name: ".github", files: { ".github/advisory-bot.yml": "tracker:\n  repo: security-response\n" } },
    ],
    teams: { security: ["sajay", "shizhmsft"], "oras-go-maintainers": ["qweeah"] },
    installation: { permissions: installation.permissions },
  });
  sim.world.createUser("reporter1");
  sim.world.collaborator(ORG, "oras-go", "qweeah", "maintain");
  return { sim, installationId: installationId! };
}

/** Octokit's request log prints every 4xx; the tests assert those statuses themselves. */
export const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/** A plain Octokit (no retry, no throttling) authenticated as the installation. */
export async function installationOctokit(sim: Simulator, installationId: number): Promise<Octokit> {
  const app = new Octokit({ baseUrl: sim.url, auth: FAKE_JWT, log: quietLog });
  const { data } = await app.rest.apps.createInstallationAccessToken({ installation_id: installationId });
  return new Octokit({ baseUrl: sim.url, auth: data.token, log: quietLog });
}

/** Any three-part token: Octokit sends it as `Bearer`, and the simulator accepts any bearer for /app routes. */
export const FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2ln";
