/**
 * Seeds large orgs into the simulator through its world API (no HTTP): repositories with an OWNERS.md
 * each, a security team, a private tracker and the org's configuration, and open draft advisories.
 */
import type { Simulator } from "../src/sim/index.js";

export const BIG_TRACKER = "security-response";

/** Forks are off: thousands of fork requests would only lengthen the set-up, and a quiet sweep reads the same. */
export const BIG_CONFIG = `securityTeam:
  team: security
tracker:
  repo: ${BIG_TRACKER}
intake:
  privateFork: false
`;

export function repoName(i: number): string {
  return `repo-${String(i).padStart(4, "0")}`;
}

export function maintainer(i: number): string {
  return `maintainer-${i}`;
}

export function ownersFile(handles: readonly string[]): string {
  return `# Owners\n\nOwners:\n${handles.map((h) => `  - @${h}\n`).join("")}\nEmeritus:\n  - @lead\n`;
}

export interface BigOrg {
  org: string;
  repos: number;
  advisories: number;
}

/**
 * `repos` repositories, each maintained by two people, and `perRepo` open drafts in each (reported by
 * one outside reporter). The security team is `lead` and `maintainer-0`.
 */
export function seedBigOrg(sim: Simulator, org: string, repos: number, perRepo: number): BigOrg {
  const people = Array.from({ length: repos * 2 }, (_, i) => maintainer(i));
  sim.world.seedOrg(org, {
    admins: ["lead"],
    members: people,
    repos: [
      ...Array.from({ length: repos }, (_, i) => ({
        name: repoName(i),
        files: { "OWNERS.md": ownersFile([maintainer(2 * i), maintainer(2 * i + 1)]) },
      })),
      { name: BIG_TRACKER, private: true },
      { name: ".github", files: { ".github/advisory-bot.yml": BIG_CONFIG } },
    ],
    teams: { security: ["lead", maintainer(0)] },
    installation: {},
  });
  sim.world.createUser("reporter1");
  for (let r = 0; r < repos; r++) {
    for (let n = 0; n < perRepo; n++) {
      sim.world.createAdvisory(org, repoName(r), "reporter1", {
        summary: `Advisory ${n} of ${repoName(r)}`,
        description: "### Impact\nSomething.\n",
        vulnerabilities: [],
      });
    }
  }
  return { org, repos, advisories: repos * perRepo };
}
