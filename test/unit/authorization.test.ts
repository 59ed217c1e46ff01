/**
 * Command authorization as a pure decision: who may run a command of each role, and which advisories
 * of a case a patch-team verb may touch. Everything is answered from the org view (team members,
 * roster files, the advisory's collaborators as GitHub lists them), never from a payload.
 */
import { describe, expect, it } from "vitest";
import {
  authorize,
  type CommandEnv,
  permittedAdvisories,
  refusalFor,
  refusedAdvisories,
} from "../../src/commands/env.js";
import { type Config, configSchema } from "../../src/config/schema.js";
import type { RepositoryAdvisory } from "../../src/github/types.js";
import type { OrgView } from "../../src/workflows/org-view.js";

const ORG = "oras-project";

function advisory(repo: string, ghsa: string, collaborators: string[]): RepositoryAdvisory {
  return {
    ghsa_id: ghsa,
    state: "draft",
    html_url: `https://github.com/${ORG}/${repo}/security/advisories/${ghsa}`,
    collaborating_users: collaborators.map((login) => ({ login })),
  } as unknown as RepositoryAdvisory;
}

const person = (login: string) => ({ login });

function env(
  actor: string,
  options: {
    who?: CommandEnv["who"];
    advisories?: RepositoryAdvisory[];
    config?: Partial<Config["securityTeam"]>;
    team?: string[] | null;
    repo?: string;
    repoInactive?: boolean;
  } = {},
): CommandEnv {
  const config = configSchema.parse({
    securityTeam: { team: "security", members: [], ...options.config },
    inactive: options.repoInactive ? ["oras-go"] : [],
  });
  const view: OrgView = {
    org: ORG,
    repos: [],
    rosters: [
      {
        name: "oras-go",
        archived: false,
        roster: { active: [person("Wwwsylvia"), person("qweeah")], emeritus: [person("old")], teams: [], warnings: [] },
      },
      {
        name: "oras",
        archived: true,
        roster: { active: [person("archivist")], emeritus: [], teams: [], warnings: [] },
      },
    ],
    rosterWarnings: [],
    configs: new Map(),
    advisories: options.advisories ?? [],
    trackers: new Map(),
    teams: new Map([["security", options.team === undefined ? ["sajay", "TerryHowe"] : options.team]]),
  };
  return {
    ctx: {} as CommandEnv["ctx"],
    view,
    actor,
    where: "tracker-issue",
    place: {
      owner: ORG,
      repo: options.repo ?? "oras-go",
      private: true,
      repoNodeId: "R_1",
      issue: { number: 1, nodeId: "I_1", title: "t", body: "", labels: [] },
    },
    config,
    trackingCase: options.advisories ? { key: "k", advisories: options.advisories, tracker: null, issue: null } : null,
    who: options.who,
  };
}

describe("authorize", () => {
  it("anyone may run an anyone command", () => {
    expect(authorize(env("stranger"), "anyone")).toEqual({ allowed: true, why: "" });
  });

  it("the security team is the team's members and the configured handles, compared without case", () => {
    expect(authorize(env("SAJAY"), "security-team")).toEqual({ allowed: true, why: "" });
    expect(authorize(env("extra", { config: { members: ["Extra"] } }), "security-team").allowed).toBe(true);
    expect(authorize(env("qweeah"), "security-team")).toEqual({
      allowed: false,
      why: "@qweeah is not on the security team",
    });
  });

  it("a missing team leaves only the configured handles", () => {
    expect(authorize(env("sajay", { team: null }), "security-team").allowed).toBe(false);
    expect(authorize(env("extra", { team: null, config: { members: ["extra"] } }), "security-team").allowed).toBe(true);
  });

  it("the patch team is any collaborator of the case's advisories; the security team may too", () => {
    const advisories = [advisory("oras-go", "GHSA-1111-2222-3333", ["reporter1", "Helper"])];
    expect(authorize(env("helper", { advisories }), "patch-team")).toEqual({ allowed: true, why: "" });
    expect(authorize(env("sajay", { advisories }), "patch-team").allowed).toBe(true);
    expect(authorize(env("stranger", { advisories }), "patch-team")).toEqual({
      allowed: false,
      why: "@stranger is not on this advisory's patch team",
    });
    // Outside a tracking issue there is no case, hence no patch team.
    expect(authorize(env("helper"), "patch-team").allowed).toBe(false);
  });

  it("a repository maintainer is an active maintainer of an active repository, from its roster", () => {
    expect(authorize(env("WWWSYLVIA"), "repo-maintainer")).toEqual({ allowed: true, why: "" });
    expect(authorize(env("old"), "repo-maintainer")).toEqual({
      allowed: false,
      why: "@old is not an active maintainer of oras-go",
    });
    expect(authorize(env("qweeah", { repoInactive: true }), "repo-maintainer").allowed).toBe(false);
    expect(authorize(env("archivist", { repo: "oras" }), "repo-maintainer").allowed).toBe(false);
    expect(authorize(env("qweeah", { repo: "unknown" }), "repo-maintainer").allowed).toBe(false);
    expect(authorize(env("sajay", { repo: "unknown" }), "repo-maintainer").allowed).toBe(true);
  });
});

describe("per-advisory authorization of patch-team verbs", () => {
  const go = advisory("oras-go", "GHSA-1111-2222-3333", ["gohelper"]);
  const cli = advisory("oras", "GHSA-4444-5555-6666", ["clihelper"]);

  it("a patch-team verb touches only the advisories whose team the actor is on", () => {
    const e = env("gohelper", { who: "patch-team", advisories: [go, cli] });
    expect(refusalFor(e, go)).toBeNull();
    expect(refusalFor(e, cli)).toBe("@gohelper is not on its patch team");
    expect(permittedAdvisories(e)).toEqual([go]);
    expect(refusedAdvisories(e)).toEqual([{ advisory: cli, why: "@gohelper is not on its patch team" }]);
  });

  it("the security team may touch every advisory of the case", () => {
    const e = env("TerryHowe", { who: "patch-team", advisories: [go, cli] });
    expect(permittedAdvisories(e)).toEqual([go, cli]);
    expect(refusedAdvisories(e)).toEqual([]);
  });

  it("verbs of other roles are not narrowed per advisory", () => {
    for (const who of ["security-team", "repo-maintainer", "anyone", undefined] as const) {
      const e = env("gohelper", { who, advisories: [go, cli] });
      expect(refusalFor(e, cli)).toBeNull();
      expect(permittedAdvisories(e)).toEqual([go, cli]);
    }
  });

  it("without a case there is nothing to touch", () => {
    expect(permittedAdvisories(env("sajay", { who: "patch-team" }))).toEqual([]);
    expect(refusedAdvisories(env("sajay", { who: "patch-team" }))).toEqual([]);
  });
});
