/**
 * An ORAS-like org for the demo and the end-to-end tests: roster files in the formats ORAS repositories
 * use (OWNERS.md with Owners/Emeritus, MAINTAINERS.md, a drifting CODEOWNERS), an archived repository,
 * a private tracker repository and the org's configuration.
 */
import type { Simulator } from "./index.js";

export const ORG = "oras-project";
export const TRACKER = "security-response";

export const OWNERS_ORAS_GO = `# Owners

This file lists the owners of oras-go.

Owners:
  - Shiwei Zhang (@shizhMSFT)
  - Billy Zha (@qweeah)
  - Sylvia Lei (@Wwwsylvia)

Emeritus:
  - Avi Deitcher (@deitch)
`;

export const CODEOWNERS_ORAS_GO = `# Derived from OWNERS.md
* @shizhMSFT @qweeah @Wwwsylvia @TerryHowe
`;

export const MAINTAINERS_ORAS = `# Maintainers

Maintainers:
- Billy Zha (@qweeah)
- Xiaoxuan Wang (@wangxiaoxuan273)

Owners are also maintainers.
`;

export const OWNERS_ORAS = `# Owners

Owners:
  - Steve Lasker (@SteveLasker)
  - Shiwei Zhang (@shizhMSFT)
`;

export const ORG_CONFIG = `securityTeam:
  team: security
  members: [sajay]
tracker:
  repo: ${TRACKER}
inactive: [artifacts-spec]
packages:
  oras-go: { ecosystem: go, name: oras.land/oras-go/v2 }
  oras: { ecosystem: go, name: oras.land/oras }
`;

export const PEOPLE = [
  "shizhMSFT",
  "qweeah",
  "Wwwsylvia",
  "TerryHowe",
  "deitch",
  "wangxiaoxuan273",
  "SteveLasker",
  "sajay",
  "FeynmanZhou",
];

/** Seeds the ORAS-like org and returns its installation id. */
export function seedOras(
  sim: Simulator,
  options: { permissions?: Record<string, string>; config?: string } = {},
): number {
  const { installationId } = sim.world.seedOrg(ORG, {
    admins: ["sajay"],
    members: PEOPLE.filter((p) => p !== "sajay"),
    repos: [
      { name: "oras-go", files: { "OWNERS.md": OWNERS_ORAS_GO, CODEOWNERS: CODEOWNERS_ORAS_GO } },
      { name: "oras", files: { "OWNERS.md": OWNERS_ORAS, "MAINTAINERS.md": MAINTAINERS_ORAS } },
      { name: "oras-credentials-go", archived: true, files: { "OWNERS.md": "Owners:\n  - Sajay Antony (@sajay)\n" } },
      { name: "artifacts-spec", files: { "OWNERS.md": "Owners:\n  - Steve Lasker (@SteveLasker)\n" } },
      { name: TRACKER, private: true },
      { name: ".github", files: { ".github/advisory-bot.yml": options.config ?? ORG_CONFIG } },
    ],
    teams: { security: ["shizhMSFT", "FeynmanZhou"] },
    installation: options.permissions ? { permissions: options.permissions } : {},
  });
  for (const reporter of ["reporter1", "reporter2", "outsider"]) sim.world.createUser(reporter);
  if (installationId === null) throw new Error("seed made no installation");
  return installationId;
}
