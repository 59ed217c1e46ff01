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

/** The description of a hand-made draft: it passes the disclosure check. */
export const HAND_MADE_DESCRIPTION =
  "### Impact\nA crafted manifest escapes the target directory.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade to 2.6.1.\n";

/**
 * What a security team does before the app is installed (or before its first sweep): a draft advisory
 * created by hand, and a tracking issue a person opened for it in the tracker — the `advisory` label,
 * the GHSA id and the repository in the body, and no state of the app. `inTitle` also names the GHSA
 * id in the title. Seeding sends no webhook, as for anything that happened before the app was there.
 */
export function seedHandTracked(
  sim: Simulator,
  options: { repo?: string; patched?: string; by?: string; inTitle?: boolean } = {},
): { ghsa: string; issue: number } {
  const repo = options.repo ?? "oras-go";
  const by = options.by ?? "sajay";
  const advisory = sim.createAdvisoryByHand(ORG, repo, by, {
    summary: `Hand-made report for ${repo}`,
    description: HAND_MADE_DESCRIPTION,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: repo === "oras" ? "oras.land/oras" : "oras.land/oras-go/v2" },
        vulnerable_version_range: options.patched ? `< ${options.patched}` : null,
        patched_versions: options.patched ?? null,
        vulnerable_functions: [],
      },
    ],
  });
  const issue = sim.world.createIssue(ORG, TRACKER, by, {
    title: options.inTitle ? `[${advisory.ghsa_id}] report received by email` : "Report received by email",
    body: `Reported to the security list on Monday.\n\nAdvisory: ${advisory.ghsa_id}\nRepository: ${ORG}/${repo}\n\nThe reporter asks to be credited.`,
    labels: ["advisory"],
  });
  return { ghsa: advisory.ghsa_id, issue: issue.number };
}
