import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { checkConformance, checkWebhookPayload, formatViolations } from "../helpers/conformance.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/sim-webhooks.js";
import { FAKE_JWT, installationOctokit, ORG, quietLog, seededSimulator } from "./seed.js";

describe("simulator: every implemented route conforms to GitHub's OpenAPI description", () => {
  let sim: Simulator;
  let installationId: number;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    ({ sim, installationId } = await seededSimulator({ webhook: { url: receiver.url, secret: receiver.secret } }));
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it("drives every route with a real Octokit", async () => {
    const app = new Octokit({ baseUrl: sim.url, auth: FAKE_JWT, log: quietLog });
    await app.rest.apps.getAuthenticated();
    await app.rest.apps.listInstallations({ per_page: 10 });
    await app.rest.apps.getRepoInstallation({ owner: ORG, repo: "oras-go" });
    await app.rest.apps.getOrgInstallation({ org: ORG });
    const octokit = await installationOctokit(sim, installationId);
    const owner = ORG;
    const repo = "oras-go";

    // repositories
    await octokit.rest.repos.get({ owner, repo });
    const repos = await octokit.paginate(octokit.rest.repos.listForOrg, { org: owner, per_page: 2 });
    expect(repos.map((r) => r.name).sort()).toEqual([".github", "oras", "oras-go", "security-response"]);
    await octokit.rest.apps.listReposAccessibleToInstallation({ per_page: 100 });
    const file = await octokit.rest.repos.getContent({ owner, repo, path: "OWNERS.md" });
    expect("content" in file.data && Buffer.from(file.data.content, "base64").toString()).toContain("@qweeah");
    const raw = await octokit.rest.repos.getContent({
      owner: ORG,
      repo: ".github",
      path: ".github/advisory-bot.yml",
      mediaType: { format: "raw" },
    });
    expect(String(raw.data)).toContain("security-response");
    await expect(octokit.rest.repos.getContent({ owner, repo, path: "nope.md" })).rejects.toMatchObject({
      status: 404,
    });
    const perm = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: "qweeah" });
    expect(perm.data.role_name).toBe("maintain");
    expect(perm.data.permission).toBe("write");

    // org & teams
    expect((await octokit.rest.orgs.checkMembershipForUser({ org: owner, username: "sajay" })).status).toBe(204);
    await expect(octokit.rest.orgs.checkMembershipForUser({ org: owner, username: "reporter1" })).rejects.toMatchObject(
      {
        status: 404,
      },
    );
    expect((await octokit.rest.orgs.getMembershipForUser({ org: owner, username: "sajay" })).data.role).toBe("admin");
    const members = await octokit.paginate(octokit.rest.teams.listMembersInOrg, { org: owner, team_slug: "security" });
    expect(members.map((m) => m.login)).toEqual(["sajay", "shizhmsft"]);
    await octokit.rest.teams.getMembershipForUserInOrg({ org: owner, team_slug: "security", username: "sajay" });

    // advisories
    const created = await octokit.rest.securityAdvisories.createRepositoryAdvisory({
      owner,
      repo,
      summary: "Path traversal in pull",
      description: "## Impact\nBad.\n## Patches\n2.6.1",
      severity: "high",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: "< 2.6.1",
          patched_versions: "2.6.1",
          vulnerable_functions: [],
        },
      ],
      cwe_ids: ["CWE-22"],
    });
    const ghsa = created.data.ghsa_id;
    expect(ghsa).toMatch(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/);
    await octokit.rest.securityAdvisories.listRepositoryAdvisories({ owner, repo, state: "draft" });
    await octokit.rest.securityAdvisories.listOrgRepositoryAdvisories({ org: owner, per_page: 10 });
    await octokit.rest.securityAdvisories.getRepositoryAdvisory({ owner, repo, ghsa_id: ghsa });
    await octokit.rest.securityAdvisories.updateRepositoryAdvisory({
      owner,
      repo,
      ghsa_id: ghsa,
      collaborating_users: ["qweeah", "sajay"],
      collaborating_teams: ["security"],
      credits: [{ login: "reporter1", type: "reporter" }],
    });
    const fork = await octokit.rest.securityAdvisories.createFork({ owner, repo, ghsa_id: ghsa });
    expect(fork.status).toBe(202);
    await octokit.rest.securityAdvisories.createRepositoryAdvisoryCveRequest({ owner, repo, ghsa_id: ghsa });
    sim.tick();
    await octokit.rest.securityAdvisories.getRepositoryAdvisory({ owner, repo, ghsa_id: ghsa });
    await octokit.rest.securityAdvisories.updateRepositoryAdvisory({ owner, repo, ghsa_id: ghsa, state: "published" });

    // releases
    const { release_id } = await sim.publishRelease(owner, repo, { tag_name: "v2.6.1", author: "shizhmsft" });
    await octokit.paginate(octokit.rest.repos.listReleases, { owner, repo });
    await octokit.rest.repos.getRelease({ owner, repo, release_id });
    await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: "v2.6.1" });
    await octokit.rest.repos.updateRelease({ owner, repo, release_id, body: "notes\n\n## Security advisories\n" });

    // issues, comments, reactions, labels
    const tracker = "security-response";
    await octokit.rest.issues.createLabel({ owner, repo: tracker, name: "advisory", color: "b60205" });
    await octokit.rest.issues.listLabelsForRepo({ owner, repo: tracker });
    const issue = await octokit.rest.issues.create({
      owner,
      repo: tracker,
      title: `Advisory ${ghsa}`,
      body: `${owner}/${repo} ${ghsa}`,
      labels: ["advisory"],
    });
    const number = issue.data.number;
    await octokit.rest.issues.get({ owner, repo: tracker, issue_number: number });
    await octokit.rest.issues.listForRepo({ owner, repo: tracker, labels: "advisory", state: "all", per_page: 50 });
    await octokit.rest.issues.addLabels({ owner, repo: tracker, issue_number: number, labels: ["triage"] });
    const comment = await octokit.rest.issues.createComment({ owner, repo: tracker, issue_number: number, body: "hi" });
    await octokit.rest.issues.listComments({ owner, repo: tracker, issue_number: number });
    await octokit.rest.issues.getComment({ owner, repo: tracker, comment_id: comment.data.id });
    await octokit.rest.issues.updateComment({ owner, repo: tracker, comment_id: comment.data.id, body: "hello" });
    await octokit.rest.reactions.createForIssueComment({
      owner,
      repo: tracker,
      comment_id: comment.data.id,
      content: "eyes",
    });
    await octokit.rest.reactions.listForIssueComment({ owner, repo: tracker, comment_id: comment.data.id });
    await octokit.rest.issues.update({
      owner,
      repo: tracker,
      issue_number: number,
      state: "closed",
      state_reason: "completed",
    });
    const pr = await sim.openPullRequest(owner, repo, "qweeah", { title: "Release v2.6.2" });
    await octokit.rest.pulls.get({ owner, repo, pull_number: pr.number });

    // GraphQL
    const roster = await octokit.graphql<{
      organization: {
        repositories: {
          nodes: { name: string; owners: { text: string } | null; codeowners: { text: string } | null }[];
        };
      };
    }>(
      `query($org: String!, $after: String, $p1: String!, $p2: String!) {
        organization(login: $org) {
          repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
            totalCount
            pageInfo { hasNextPage endCursor }
            nodes {
              id name isArchived isPrivate visibility
              defaultBranchRef { name }
              owners: object(expression: $p1) { ... on Blob { text } }
              codeowners: object(expression: $p2) { ... on Blob { text } }
            }
          }
        }
      }`,
      { org: owner, p1: "HEAD:OWNERS.md", p2: "HEAD:CODEOWNERS" },
    );
    const go = roster.organization.repositories.nodes.find((n) => n.name === "oras-go");
    expect(go?.owners?.text).toContain("@shizhMSFT");
    const team = await octokit.graphql<{ organization: { team: { members: { nodes: { login: string }[] } } } }>(
      `query($org: String!, $slug: String!) { organization(login: $org) { team(slug: $slug) {
        members(first: 100) { pageInfo { hasNextPage endCursor } nodes { login } } } } }`,
      { org: owner, slug: "security" },
    );
    expect(team.organization.team.members.nodes.map((n) => n.login)).toEqual(["sajay", "shizhmsft"]);
    const ids = await octokit.graphql<{ repository: { id: string; isPrivate: boolean } }>(
      `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id isPrivate } }`,
      { owner, name: tracker },
    );
    expect(ids.repository.isPrivate).toBe(true);
    await octokit.graphql(`mutation($id: ID!) { pinIssue(input: { issueId: $id }) { issue { id } } }`, {
      id: issue.data.node_id,
    });
    const publicIssue = await sim.openIssue(owner, repo, "reporter1", { title: "RCE in oras pull", body: "details" });
    await sim.comment(owner, repo, publicIssue.number, "reporter1", "more details");
    const { data: pub } = await octokit.rest.issues.get({ owner, repo, issue_number: publicIssue.number });
    const moved = await octokit.graphql<{ transferIssue: { issue: { number: number; url: string } } }>(
      `mutation($issue: ID!, $repo: ID!) { transferIssue(input: { issueId: $issue, repositoryId: $repo }) {
        issue { number url } } }`,
      { issue: pub.node_id, repo: ids.repository.id },
    );
    expect(sim.world.listIssues(owner, repo).some((i) => i.title === "RCE in oras pull")).toBe(false);
    const movedIssue = sim.world.listIssues(owner, tracker).find((i) => i.number === moved.transferIssue.issue.number);
    expect(movedIssue?.comments.map((c) => c.body)).toEqual(["more details"]);

    // team membership removal needs members:write
    await expect(
      octokit.rest.teams.removeMembershipForUserInOrg({ org: owner, team_slug: "security", username: "sajay" }),
    ).rejects.toMatchObject({ status: 403 });
    const writer = new Octokit({
      baseUrl: sim.url,
      auth: sim.createToken(installationId, { members: "write", metadata: "read" }),
    });
    await writer.rest.teams.removeMembershipForUserInOrg({ org: owner, team_slug: "security", username: "sajay" });
    expect(sim.world.teamMembers(owner, "security")).toEqual(["shizhmsft"]);

    await sim.idle();
    const violations = checkConformance(sim.requests);
    expect(formatViolations(violations)).toBe("");
    expect(sim.unknownRoutes).toEqual([]);
    const counts = sim.counts();
    expect(counts.graphql).toBe(5);
    expect(counts.writes).toBeGreaterThan(10);
  });

  it("emits webhook payloads that validate against GitHub's webhook schemas", async () => {
    const owner = ORG;
    const repo = "oras-go";
    const before = receiver.received.length;
    const report = await sim.reportVulnerability(owner, repo, {
      reporter: "reporter1",
      summary: "Credential leak",
      description: "Tokens logged",
      severity: "medium",
    });
    const results = [
      report,
      ...(await sim.publishRelease(owner, "oras", { tag_name: "v1.3.0", author: "sajay" })).deliveries,
      ...(await sim.createDraftRelease(owner, "oras", { tag_name: "v1.3.1-rc.1", prerelease: true, author: "sajay" }))
        .deliveries,
      await sim.push(owner, repo, {
        pusher: "shizhmsft",
        message: "Update owners",
        files: { "OWNERS.md": "- @shizhMSFT\n", "MAINTAINERS.md": "- @qweeah\n", CODEOWNERS: null },
      }),
    ];
    const draft = sim.world.listReleases(owner, "oras").find((r) => r.draft)!;
    results.push(...(await sim.publishDraftRelease(draft.id)).deliveries);
    const opened = await sim.openIssue(owner, repo, "reporter1", { title: "Question", body: "?", labels: ["bug"] });
    const commented = await sim.comment(owner, repo, opened.number, "qweeah", "/advisory help");
    results.push(opened, commented);
    results.push(await sim.editComment(owner, repo, commented.comment_id, "qweeah", "/advisory status"));
    const pr = await sim.openPullRequest(owner, repo, "qweeah", { title: "Fix" });
    results.push(pr, await sim.comment(owner, repo, pr.number, "sajay", "/advisory publish"));
    results.push(await sim.archive(owner, "oras"), await sim.unarchive(owner, "oras"));
    results.push(await sim.addTeamMember(owner, "security", "tarunbhardwaj"));
    results.push(await sim.removeTeamMember(owner, "security", "tarunbhardwaj"));
    await sim.editAdvisoryByHand(owner, repo, report.ghsa_id, "sajay", {
      state: "draft",
      vulnerabilities: [{ package: { ecosystem: "go", name: "oras.land/oras-go/v2" }, patched_versions: "2.6.2" }],
    });
    const published = await sim.editAdvisoryByHand(owner, repo, report.ghsa_id, "sajay", { state: "published" });
    expect(published.state).toBe("published");
    await sim.idle();

    for (const r of results) expect(r.status).toBe(202);
    const got = receiver.received.slice(before);
    expect(got.every((w) => w.signatureValid)).toBe(true);
    const kinds = got.map((w) => `${w.event}.${(w.payload.action as string | undefined) ?? ""}`);
    expect(kinds).toEqual([
      "repository_advisory.reported",
      "release.created",
      "release.published",
      "release.released",
      "release.created",
      "push.",
      "release.published",
      "issues.opened",
      "issue_comment.created",
      "issue_comment.edited",
      "pull_request.opened",
      "issue_comment.created",
      "repository.archived",
      "repository.unarchived",
      "membership.added",
      "membership.removed",
      "repository_advisory.published",
    ]);
    const problems = sim.deliveries.flatMap((d) => checkWebhookPayload(d.event, d.payload));
    expect(problems).toEqual([]);
    const push = got.find((w) => w.event === "push")!.payload as {
      ref: string;
      commits: { added: string[]; modified: string[]; removed: string[] }[];
    };
    expect(push.ref).toBe("refs/heads/main");
    expect(push.commits[0]).toMatchObject({
      added: ["MAINTAINERS.md"],
      modified: ["OWNERS.md"],
      removed: ["CODEOWNERS"],
    });
    const prComment = got[11]!.payload as { issue: { pull_request?: unknown } };
    expect(prComment.issue.pull_request).toBeDefined();
    const edited = got[9]!.payload as { changes: { body: { from: string } } };
    expect(edited.changes.body.from).toBe("/advisory help");
    expect(got[0]!.headers["x-github-hook-installation-target-id"]).toBeDefined();
    expect((got[0]!.payload.installation as { id: number }).id).toBe(installationId);
  });
});
