import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activeMaintainers,
  admitToPatchTeam,
  auditSecurityTeam,
  type Collaborators,
  describeGap,
  desiredPatchTeam,
  isActiveRepo,
  type PatchTeamInput,
  planCollaborators,
  type RepoRosterState,
  staffingGaps,
} from "../../src/domain/patch-team.js";
import { mergeRosters, parseRoster } from "../../src/domain/rosters.js";

const BOT = "oras-advisory-bot[bot]";

/** A repository whose roster comes from real-format files. */
function repo(name: string, files: Record<string, string>, archived = false): RepoRosterState {
  return {
    name,
    archived,
    roster: mergeRosters(Object.entries(files).map(([path, text]) => parseRoster(path, text))),
  };
}

const orasGo = repo("oras-go", {
  "OWNERS.md":
    "# Owners\n\nOwners:\n  - Ada Owner (@ada)\n  - Steve Owner (@SteveLasker)\n\nEmeritus:\n  - Emma Former (@emma)\n",
  "MAINTAINERS.md": "# Maintainers\n\nMaintainers:\n- Max Maintainer (@max)\n\nOwners are also maintainers.\n",
  CODEOWNERS: "# Derived from OWNERS.md\n* @ada @stevelasker @max @oras-project/oras-go-maintainers\n",
});
const oras = repo("oras", {
  "OWNERS.md": "Owners:\n  - Olga (@olga)\n  - Emma Former (@emma)\n",
});
const credentials = repo("oras-credentials-go", { "OWNERS.md": "Owners:\n  - Carl (@carl)\n" }, true);
const artifactsSpec = repo("artifacts-spec", { "OWNERS.md": "Owners:\n  - Art (@art)\n" });
const empty = repo("oras-mcp", {});
const repos = [orasGo, oras, credentials, artifactsSpec, empty];
const inactive = ["Artifacts-Spec"];

function input(overrides: Partial<PatchTeamInput> = {}): PatchTeamInput {
  return {
    org: "oras-project",
    repo: "oras-go",
    repos,
    config: { inactive },
    securityTeam: ["sec1", "Sec2"],
    reporter: "reporter",
    added: [],
    removed: [],
    botLogin: BOT,
    ...overrides,
  };
}

describe("active maintainers of a repository", () => {
  it("are the owners and maintainers listed in any of its roster files", () => {
    expect(activeMaintainers(orasGo, inactive)).toEqual({
      users: [{ login: "ada" }, { login: "SteveLasker" }, { login: "max" }],
      teams: ["oras-project/oras-go-maintainers"],
    });
  });

  it("an archived repository has none", () => {
    expect(isActiveRepo(credentials, inactive)).toBe(false);
    expect(activeMaintainers(credentials, inactive)).toEqual({ users: [], teams: [] });
  });

  it("a repository listed as inactive has none, whatever the casing of the config entry", () => {
    expect(isActiveRepo(artifactsSpec, inactive)).toBe(false);
    expect(activeMaintainers(artifactsSpec, inactive)).toEqual({ users: [], teams: [] });
    expect(activeMaintainers(artifactsSpec, [])).toEqual({ users: [{ login: "art" }], teams: [] });
  });
});

describe("the desired patch team", () => {
  it("is the repository's active maintainers ∪ security team ∪ reporter ∪ added people", () => {
    const team = desiredPatchTeam(input({ added: ["Helper"] }));
    expect(team.users).toEqual(["ada", "Helper", "max", "reporter", "sec1", "Sec2", "SteveLasker"]);
    expect(team.maintainers).toEqual(["ada", "max", "SteveLasker"]);
    expect(team.teams).toEqual(["oras-go-maintainers"]);
    expect(team.gap).toBeNull();
  });

  it("emeritus people are never added for being maintainers", () => {
    const team = desiredPatchTeam(input());
    expect(team.users.map((u) => u.toLowerCase())).not.toContain("emma");
    // Where they are still an owner, they are staffed as a maintainer.
    expect(desiredPatchTeam(input({ repo: "oras" })).users).toContain("emma");
  });

  it("one person listed with different casing in several places appears once", () => {
    const team = desiredPatchTeam(input({ securityTeam: ["stevelasker", "ADA"], reporter: "Max", added: ["@ada"] }));
    expect(team.users).toEqual(["ada", "max", "SteveLasker"]);
  });

  it("removed people are left out, even maintainers and security-team members, but never the reporter", () => {
    const team = desiredPatchTeam(input({ removed: ["MAX", "sec1", "reporter"], added: ["max"] }));
    expect(team.users).toEqual(["ada", "reporter", "Sec2", "SteveLasker"]);
  });

  it("the app itself is never a desired collaborator", () => {
    const team = desiredPatchTeam(input({ reporter: BOT, securityTeam: ["sec1", BOT.toUpperCase()] }));
    expect(team.users).toEqual(["ada", "max", "sec1", "SteveLasker"]);
  });

  it("without a reporter the team is maintainers and security team", () => {
    expect(desiredPatchTeam(input({ reporter: null })).users).toEqual(["ada", "max", "sec1", "Sec2", "SteveLasker"]);
  });

  it("archived repo contributes no maintainers but the security team still staffs", () => {
    const team = desiredPatchTeam(input({ repo: "oras-credentials-go" }));
    expect(team.users).toEqual(["reporter", "sec1", "Sec2"]);
    expect(team.teams).toEqual([]);
    expect(team.gap).toEqual({ repo: "oras-credentials-go", reason: "archived" });
  });

  it("an inactive repo contributes no maintainers", () => {
    const team = desiredPatchTeam(input({ repo: "artifacts-spec", reporter: null }));
    expect(team.users).toEqual(["sec1", "Sec2"]);
    expect(team.gap).toEqual({ repo: "artifacts-spec", reason: "inactive" });
  });

  it("a repo whose rosters yield nobody is a staffing gap the workflow can explain", () => {
    const team = desiredPatchTeam(input({ repo: "oras-mcp" }));
    expect(team.users).toEqual(["reporter", "sec1", "Sec2"]);
    expect(team.gap).toEqual({ repo: "oras-mcp", reason: "no-maintainers" });
    expect(describeGap(team.gap!, ["OWNERS.md", "MAINTAINERS.md", "CODEOWNERS"])).toBe(
      "No maintainers found in OWNERS.md, MAINTAINERS.md, CODEOWNERS of oras-mcp — staffed by the security team only.",
    );
  });

  it("a repo the app does not know is a staffing gap", () => {
    expect(desiredPatchTeam(input({ repo: "nope" })).gap).toEqual({ repo: "nope", reason: "unknown-repo" });
  });

  it("only CODEOWNERS teams of the advisory's own org become collaborating teams, as slugs", () => {
    const mixed = repo("mixed", { CODEOWNERS: "* @oras-project/docs-team @Other-Org/helpers\n" });
    const team = desiredPatchTeam(input({ repo: "mixed", repos: [mixed], org: "ORAS-project" }));
    expect(team.teams).toEqual(["docs-team"]);
    expect(team.foreignTeams).toEqual(["Other-Org/helpers"]);
    expect(team.gap).toBeNull();
  });

  it("a repo staffed only by another org's team is a staffing gap", () => {
    const foreign = repo("foreign", { CODEOWNERS: "* @other-org/helpers\n" });
    const team = desiredPatchTeam(input({ repo: "foreign", repos: [foreign] }));
    expect(team.teams).toEqual([]);
    expect(team.gap).toEqual({ repo: "foreign", reason: "no-maintainers" });
  });
});

describe("staffing gaps across the org", () => {
  it("lists active repositories whose rosters yield nobody, not archived or inactive ones", () => {
    expect(staffingGaps(repos, inactive)).toEqual([{ repo: "oras-mcp", reason: "no-maintainers" }]);
  });

  it("every reason reads as a sentence ending with who staffs", () => {
    for (const reason of ["archived", "inactive", "unknown-repo", "no-maintainers"] as const) {
      expect(describeGap({ repo: "r", reason }, [])).toMatch(/^.*\br\b.*staffed by the security team only\.$/);
    }
  });
});

const none: Collaborators = { users: [], teams: [] };

describe("planning the collaborators PATCH", () => {
  it("nothing differs → no change (casing and order do not count)", () => {
    const plan = planCollaborators(
      { users: ["ada", "SteveLasker"], teams: ["oras-go-maintainers"] },
      { users: ["stevelasker", "ADA"], teams: ["ORAS-go-maintainers"] },
      { removeUnlisted: true, reporter: null },
    );
    expect(plan).toEqual({
      change: null,
      added: [],
      removed: [],
      unlisted: [],
      addedTeams: [],
      removedTeams: [],
      unlistedTeams: [],
    });
  });

  it("a change carries the full lists, sorted, keeping the casing of people already there", () => {
    const plan = planCollaborators(
      { users: ["stevelasker", "max", "Ada"], teams: ["oras-go-maintainers"] },
      { users: ["SteveLasker"], teams: [] },
      { removeUnlisted: false, reporter: null },
    );
    expect(plan.change).toEqual({
      collaborating_users: ["Ada", "max", "SteveLasker"],
      collaborating_teams: ["oras-go-maintainers"],
    });
    expect(plan.added).toEqual(["Ada", "max"]);
    expect(plan.addedTeams).toEqual(["oras-go-maintainers"]);
    expect(plan.removed).toEqual([]);
  });

  it("a roster change removes the former maintainer and adds the new one in one change", () => {
    const before = repo("oras-go", { "OWNERS.md": "Owners:\n  - Ada (@ada)\n  - Bob (@bob)\n" });
    const after = repo("oras-go", {
      "OWNERS.md": "Owners:\n  - Ada (@ada)\n  - Cleo (@cleo)\nEmeritus:\n  - Bob (@bob)\n",
    });
    const staffed = desiredPatchTeam(input({ repos: [before] }));
    const desired = desiredPatchTeam(input({ repos: [after] }));
    const plan = planCollaborators(desired, staffed, { removeUnlisted: true, reporter: "reporter" });
    expect(plan.added).toEqual(["cleo"]);
    expect(plan.removed).toEqual(["bob"]);
    expect(plan.change?.collaborating_users).toEqual(["ada", "cleo", "reporter", "sec1", "Sec2"]);
  });

  it("with the default removeUnlisted: false, a maintainer the app staffed is removed once they leave the roster", () => {
    const before = repo("oras-go", { "OWNERS.md": "Owners:\n  - Ada (@ada)\n  - Bob (@bob)\n" });
    const after = repo("oras-go", {
      "OWNERS.md": "Owners:\n  - Ada (@ada)\n  - Cleo (@cleo)\nEmeritus:\n  - Bob (@bob)\n",
    });
    const staffed = desiredPatchTeam(input({ repos: [before] }));
    const desired = desiredPatchTeam(input({ repos: [after] }));
    const actual = { users: [...staffed.users, "Outsider"], teams: staffed.teams };
    const plan = planCollaborators(desired, actual, {
      removeUnlisted: false,
      reporter: "reporter",
      managed: staffed.users,
    });
    expect(plan.added).toEqual(["cleo"]);
    expect(plan.removed).toEqual(["bob"]);
    expect(plan.unlisted).toEqual(["Outsider"]);
    expect(plan.change?.collaborating_users).toEqual(["ada", "cleo", "Outsider", "reporter", "sec1", "Sec2"]);
  });

  it("someone added by command stays even if the app had staffed them before", () => {
    const plan = planCollaborators(
      { users: ["ada"], teams: [] },
      { users: ["ada", "bob"], teams: [] },
      { removeUnlisted: false, reporter: null, managed: ["ada", "bob"], added: ["bob"] },
    );
    expect(plan.change).toBeNull();
  });

  it("unlisted collaborators are kept and reported unless removeUnlisted", () => {
    const desired = { users: ["ada"], teams: ["maintainers"] };
    const actual = { users: ["ada", "Outsider"], teams: ["maintainers", "old-team"] };
    const kept = planCollaborators(desired, actual, { removeUnlisted: false, reporter: null });
    expect(kept.change).toBeNull();
    expect(kept.unlisted).toEqual(["Outsider"]);
    expect(kept.unlistedTeams).toEqual(["old-team"]);

    const removed = planCollaborators(desired, actual, { removeUnlisted: true, reporter: null });
    expect(removed.change).toEqual({ collaborating_users: ["ada"], collaborating_teams: ["maintainers"] });
    expect(removed.removed).toEqual(["Outsider"]);
    expect(removed.removedTeams).toEqual(["old-team"]);
    expect(removed.unlisted).toEqual(["Outsider"]);
  });

  it("a kept unlisted collaborator does not stop the desired ones from being added", () => {
    const plan = planCollaborators(
      { users: ["ada"], teams: [] },
      { users: ["outsider"], teams: [] },
      {
        removeUnlisted: false,
        reporter: null,
      },
    );
    expect(plan.change?.collaborating_users).toEqual(["ada", "outsider"]);
    expect(plan.unlisted).toEqual(["outsider"]);
  });

  it("the reporter is never removed even with removeUnlisted", () => {
    const plan = planCollaborators(
      { users: ["ada"], teams: [] },
      { users: ["ada", "Reporter", "x"], teams: [] },
      {
        removeUnlisted: true,
        reporter: "reporter",
        removed: ["REPORTER"],
      },
    );
    expect(plan.change?.collaborating_users).toEqual(["ada", "Reporter"]);
    expect(plan.removed).toEqual(["x"]);
    expect(plan.unlisted).toEqual(["x"]);
  });

  it("people removed by command are dropped even without removeUnlisted, and not reported as unlisted", () => {
    const plan = planCollaborators(
      { users: ["ada"], teams: [] },
      { users: ["ada", "Gone"], teams: [] },
      {
        removeUnlisted: false,
        reporter: null,
        removed: ["gone"],
      },
    );
    expect(plan.change?.collaborating_users).toEqual(["ada"]);
    expect(plan.removed).toEqual(["Gone"]);
    expect(plan.unlisted).toEqual([]);
  });

  it("people added by command are never reported as unlisted", () => {
    const plan = planCollaborators(
      { users: ["ada"], teams: [] },
      { users: ["ada", "Helper"], teams: [] },
      {
        removeUnlisted: true,
        reporter: null,
        added: ["helper"],
      },
    );
    expect(plan.change).toBeNull();
    expect(plan.unlisted).toEqual([]);
  });

  it("the app's own login is never added, removed or reported", () => {
    const plan = planCollaborators(
      { users: ["ada", BOT], teams: [] },
      { users: [BOT], teams: [] },
      {
        removeUnlisted: true,
        reporter: null,
        botLogin: BOT,
      },
    );
    expect(plan.change?.collaborating_users).toEqual(["ada", BOT]);
    expect(plan.removed).toEqual([]);
    expect(plan.unlisted).toEqual([]);
    const absent = planCollaborators({ users: [BOT], teams: [] }, none, {
      removeUnlisted: true,
      reporter: null,
      botLogin: BOT,
    });
    expect(absent.change).toBeNull();
  });
});

describe("planning converges (property)", () => {
  const pool = ["ada", "bob", "cleo", "dan", "eve", "fay", "gus", "reporter", "bot"];
  const casedArb = fc
    .subarray(pool)
    .chain((names) =>
      fc.tuple(...names.map((n) => fc.constantFrom(n, n.toUpperCase(), n[0]!.toUpperCase() + n.slice(1)))),
    );
  const teamsArb = fc.subarray(["t1", "t2", "t3"]);

  it("applying the change and planning again yields no change; desired people are always there", () => {
    fc.assert(
      fc.property(
        casedArb,
        casedArb,
        teamsArb,
        teamsArb,
        fc.boolean(),
        fc.subarray(pool),
        fc.subarray(pool),
        (desiredUsers, actualUsers, desiredTeams, actualTeams, removeUnlisted, added, removed) => {
          const options = { removeUnlisted, reporter: "reporter", added, removed, botLogin: "bot" };
          const desired = { users: desiredUsers, teams: desiredTeams };
          const actual = { users: actualUsers, teams: actualTeams };
          const plan = planCollaborators(desired, actual, options);
          const next = plan.change
            ? { users: plan.change.collaborating_users, teams: plan.change.collaborating_teams }
            : actual;
          const after = new Set(next.users.map((u) => u.toLowerCase()));
          for (const user of desiredUsers)
            if (user.toLowerCase() !== "bot") expect(after.has(user.toLowerCase())).toBe(true);
          for (const user of actualUsers) {
            const key = user.toLowerCase();
            if (key === "reporter" || key === "bot") expect(after.has(key)).toBe(true);
          }
          if (!removeUnlisted) {
            for (const user of actualUsers) {
              const key = user.toLowerCase();
              if (!removed.includes(key) || key === "reporter") expect(after.has(key)).toBe(true);
            }
          }
          expect(planCollaborators(desired, next, options).change).toBeNull();
        },
      ),
    );
  });
});

describe("security-team audit", () => {
  it("members who are active maintainers of an active repository pass, whatever the casing", () => {
    expect(auditSecurityTeam(["ADA", "olga"], repos, inactive)).toEqual([]);
  });

  it("someone emeritus everywhere is a violation", () => {
    const retired = repo("oras-py", { "OWNERS.md": "Owners:\n  - @py\nEmeritus:\n  - Rita (@rita)\n" });
    expect(auditSecurityTeam(["rita"], [orasGo, retired], inactive)).toEqual([
      {
        login: "rita",
        problem: "not-active-maintainer",
        detail: "emeritus in oras-py; not an active maintainer of any active repository",
      },
    ]);
  });

  it("emeritus in one repository but owner of another active one passes", () => {
    expect(auditSecurityTeam(["Emma"], repos, inactive)).toEqual([]);
  });

  it("a maintainer only of archived or inactive repositories is a violation", () => {
    expect(auditSecurityTeam(["carl", "art"], repos, inactive)).toEqual([
      {
        login: "art",
        problem: "not-active-maintainer",
        detail: "maintainer only of artifacts-spec (inactive); not an active maintainer of any active repository",
      },
      {
        login: "carl",
        problem: "not-active-maintainer",
        detail: "maintainer only of oras-credentials-go (archived); not an active maintainer of any active repository",
      },
    ]);
  });

  it("someone listed nowhere is a violation", () => {
    expect(auditSecurityTeam(["stranger"], repos, inactive)).toEqual([
      {
        login: "stranger",
        problem: "not-active-maintainer",
        detail: "not an active maintainer of any active repository",
      },
    ]);
  });

  it("org membership is checked only when the org's members are known", () => {
    const orgMembers = new Set(["ada"]);
    expect(auditSecurityTeam(["Ada", "max"], repos, inactive, orgMembers)).toEqual([
      { login: "max", problem: "not-org-member", detail: "not a member of the organization" },
    ]);
    expect(auditSecurityTeam(["Ada", "max"], repos, inactive)).toEqual([]);
  });

  it("a member listed twice is reported once", () => {
    expect(auditSecurityTeam(["stranger", "Stranger"], repos, inactive)).toHaveLength(1);
  });
});

describe("/advisory add stays within the maintainer pool", () => {
  const repos = [
    repo("oras-go", { "OWNERS.md": "Owners:\n- @ada\nEmeritus:\n- @emma\n", CODEOWNERS: "* @ada @emma\n" }),
    repo("oras", { "MAINTAINERS.md": "Maintainers:\n- @Bill\n" }),
    repo("oras-credentials-go", { "OWNERS.md": "Owners:\n- @sam\n" }, true),
    repo("artifacts-spec", { "OWNERS.md": "Owners:\n- @steve\n" }),
  ];

  it("admits an active maintainer of any active repository of the org, case-insensitively", () => {
    expect(admitToPatchTeam("bill", repos, [], [])).toEqual({ admitted: true, as: "maintainer", repos: ["oras"] });
  });

  it("admits an outside expert named in the configuration", () => {
    expect(admitToPatchTeam("Expert", repos, [], ["expert"])).toEqual({ admitted: true, as: "outside-expert" });
  });

  it("refuses emeritus people (even when a derived CODEOWNERS lists them), maintainers of archived or inactive repositories, and strangers, saying why", () => {
    const emma = admitToPatchTeam("emma", repos, [], []);
    expect(emma).toMatchObject({ admitted: false, why: expect.stringContaining("@emma is emeritus in oras-go") });
    const sam = admitToPatchTeam("sam", repos, ["artifacts-spec"], []);
    expect(sam).toMatchObject({
      admitted: false,
      why: expect.stringContaining("maintains only oras-credentials-go (archived)"),
    });
    const steve = admitToPatchTeam("steve", repos, ["artifacts-spec"], []);
    expect(steve).toMatchObject({ admitted: false, why: expect.stringContaining("artifacts-spec (inactive)") });
    const stranger = admitToPatchTeam("mallory", repos, [], ["expert"]);
    expect(stranger).toMatchObject({ admitted: false, why: expect.stringContaining("patchTeam.outsideExperts") });
  });
});
