/**
 * JSON representations of world records, shaped like GitHub's REST responses. Webhook payloads are
 * built from the same functions, so both sides agree.
 */
import { cvssScore } from "./cvss.js";
import {
  type AdvisoryRecord,
  type CommentRecord,
  type InstallationRecord,
  type IssueRecord,
  type LabelRecord,
  type OrgRecord,
  type ReactionRecord,
  type ReleaseRecord,
  type RepoRecord,
  repoKey,
  type TeamRecord,
  type UserRecord,
  World,
} from "./world.js";

type Json = Record<string, unknown>;

export class Repr {
  constructor(
    readonly world: World,
    readonly api: string,
    readonly html = "https://github.com",
  ) {}

  user(login: string): Json {
    return this.userRecord(this.world.userOrCreate(login));
  }

  userRecord(u: UserRecord): Json {
    const base = `${this.api}/users/${encodeURIComponent(u.login)}`;
    return {
      login: u.login,
      id: u.id,
      node_id: u.node_id,
      avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
      gravatar_id: "",
      url: base,
      html_url: `${this.html}/${u.type === "Bot" ? `apps/${u.login.replace(/\[bot\]$/, "")}` : u.login}`,
      followers_url: `${base}/followers`,
      following_url: `${base}/following{/other_user}`,
      gists_url: `${base}/gists{/gist_id}`,
      starred_url: `${base}/starred{/owner}{/repo}`,
      subscriptions_url: `${base}/subscriptions`,
      organizations_url: `${base}/orgs`,
      repos_url: `${base}/repos`,
      events_url: `${base}/events{/privacy}`,
      received_events_url: `${base}/received_events`,
      type: u.type,
      user_view_type: "public",
      site_admin: false,
    };
  }

  org(o: OrgRecord): Json {
    const base = `${this.api}/orgs/${o.login}`;
    return {
      login: o.login,
      id: o.id,
      node_id: o.node_id,
      url: base,
      repos_url: `${base}/repos`,
      events_url: `${base}/events`,
      hooks_url: `${base}/hooks`,
      issues_url: `${base}/issues`,
      members_url: `${base}/members{/member}`,
      public_members_url: `${base}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${o.id}?v=4`,
      description: o.description,
    };
  }

  /** A full repository (GET /repos/{owner}/{repo}); lists use the same shape. */
  repo(r: RepoRecord): Json {
    const full = `${r.owner}/${r.name}`;
    const base = `${this.api}/repos/${full}`;
    const openIssues = [...this.world.issues.values()].filter(
      (i) => i.repo === repoKey(r.owner, r.name) && i.state === "open",
    ).length;
    return {
      id: r.id,
      node_id: r.node_id,
      name: r.name,
      full_name: full,
      private: r.private,
      owner: this.user(r.owner),
      html_url: `${this.html}/${full}`,
      description: r.description,
      fork: r.fork,
      url: base,
      forks_url: `${base}/forks`,
      keys_url: `${base}/keys{/key_id}`,
      collaborators_url: `${base}/collaborators{/collaborator}`,
      teams_url: `${base}/teams`,
      hooks_url: `${base}/hooks`,
      issue_events_url: `${base}/issues/events{/number}`,
      events_url: `${base}/events`,
      assignees_url: `${base}/assignees{/user}`,
      branches_url: `${base}/branches{/branch}`,
      tags_url: `${base}/tags`,
      blobs_url: `${base}/git/blobs{/sha}`,
      git_tags_url: `${base}/git/tags{/sha}`,
      git_refs_url: `${base}/git/refs{/sha}`,
      trees_url: `${base}/git/trees{/sha}`,
      statuses_url: `${base}/statuses/{sha}`,
      languages_url: `${base}/languages`,
      stargazers_url: `${base}/stargazers`,
      contributors_url: `${base}/contributors`,
      subscribers_url: `${base}/subscribers`,
      subscription_url: `${base}/subscription`,
      commits_url: `${base}/commits{/sha}`,
      git_commits_url: `${base}/git/commits{/sha}`,
      comments_url: `${base}/comments{/number}`,
      issue_comment_url: `${base}/issues/comments{/number}`,
      contents_url: `${base}/contents/{+path}`,
      compare_url: `${base}/compare/{base}...{head}`,
      merges_url: `${base}/merges`,
      archive_url: `${base}/{archive_format}{/ref}`,
      downloads_url: `${base}/downloads`,
      issues_url: `${base}/issues{/number}`,
      pulls_url: `${base}/pulls{/number}`,
      milestones_url: `${base}/milestones{/number}`,
      notifications_url: `${base}/notifications{?since,all,participating}`,
      labels_url: `${base}/labels{/name}`,
      releases_url: `${base}/releases{/id}`,
      deployments_url: `${base}/deployments`,
      created_at: r.created_at,
      updated_at: r.updated_at,
      pushed_at: r.pushed_at,
      git_url: `git://github.com/${full}.git`,
      ssh_url: `git@github.com:${full}.git`,
      clone_url: `${this.html}/${full}.git`,
      svn_url: `${this.html}/${full}`,
      homepage: null,
      size: r.files.size,
      stargazers_count: 0,
      watchers_count: 0,
      language: r.language,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: r.archived,
      disabled: false,
      open_issues_count: openIssues,
      license: null,
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: r.visibility,
      forks: 0,
      open_issues: openIssues,
      watchers: 0,
      default_branch: r.default_branch,
      network_count: 0,
      subscribers_count: 0,
    };
  }

  /** The subset of a repository used by simple-repository (e.g. an advisory's private fork). */
  simpleRepo(r: RepoRecord): Json {
    const full = this.repo(r);
    const keep = [
      "id",
      "node_id",
      "name",
      "full_name",
      "owner",
      "private",
      "html_url",
      "description",
      "fork",
      "url",
      "archive_url",
      "assignees_url",
      "blobs_url",
      "branches_url",
      "collaborators_url",
      "comments_url",
      "commits_url",
      "compare_url",
      "contents_url",
      "contributors_url",
      "deployments_url",
      "downloads_url",
      "events_url",
      "forks_url",
      "git_commits_url",
      "git_refs_url",
      "git_tags_url",
      "issue_comment_url",
      "issue_events_url",
      "issues_url",
      "keys_url",
      "labels_url",
      "languages_url",
      "merges_url",
      "milestones_url",
      "notifications_url",
      "pulls_url",
      "releases_url",
      "stargazers_url",
      "statuses_url",
      "subscribers_url",
      "subscription_url",
      "tags_url",
      "teams_url",
      "trees_url",
      "hooks_url",
    ];
    return Object.fromEntries(keep.map((k) => [k, full[k]]));
  }

  team(t: TeamRecord): Json {
    const base = `${this.api}/organizations/${this.world.org(t.org).id}/team/${t.id}`;
    return {
      id: t.id,
      node_id: t.node_id,
      url: base,
      html_url: `${this.html}/orgs/${t.org}/teams/${t.slug}`,
      name: t.name,
      slug: t.slug,
      description: t.description,
      privacy: "closed",
      notification_setting: "notifications_enabled",
      permission: "pull",
      members_url: `${base}/members{/member}`,
      repositories_url: `${base}/repos`,
      type: "organization",
      organization_id: this.world.org(t.org).id,
      parent: null,
    };
  }

  advisory(a: AdvisoryRecord): Json {
    const repo = this.world.repoByKey(a.repo);
    const full = `${repo.owner}/${repo.name}`;
    const score = a.cvss_vector_string ? cvssScore(a.cvss_vector_string) : null;
    return {
      ghsa_id: a.ghsa_id,
      cve_id: a.cve_id,
      url: `${this.api}/repos/${full}/security-advisories/${a.ghsa_id}`,
      html_url: `${this.html}/${full}/security/advisories/${a.ghsa_id}`,
      summary: a.summary,
      description: a.description,
      severity: a.severity,
      author: a.author ? this.user(a.author) : null,
      publisher: a.publisher ? this.user(a.publisher) : null,
      identifiers: [
        { value: a.ghsa_id, type: "GHSA" },
        ...(a.cve_id ? [{ value: a.cve_id, type: "CVE" as const }] : []),
      ],
      state: a.state,
      created_at: a.created_at,
      updated_at: a.updated_at,
      published_at: a.published_at,
      closed_at: a.closed_at,
      withdrawn_at: a.withdrawn_at,
      submission: a.submission ? { ...a.submission } : null,
      vulnerabilities: a.vulnerabilities.map((v) => structuredClone(v)),
      cvss: { vector_string: a.cvss_vector_string, score },
      cvss_severities: {
        cvss_v3: { vector_string: a.cvss_vector_string, score },
        cvss_v4: { vector_string: null, score: null },
      },
      cwes: a.cwe_ids.map((id) => ({ cwe_id: id, name: `Weakness ${id}` })),
      cwe_ids: [...a.cwe_ids],
      credits: a.credits.map((c) => ({ ...c })),
      credits_detailed: a.credits.map((c) => ({ user: this.user(c.login), type: c.type, state: "accepted" })),
      collaborating_users: a.collaborating_users.map((l) => this.user(l)),
      collaborating_teams: a.collaborating_teams.map((slug) => this.team(this.world.team(repo.owner, slug))),
      private_fork: a.private_fork ? this.simpleRepo(this.world.repoByKey(a.private_fork)) : null,
    };
  }

  app(): Json {
    const owner = this.world.app.owner ? this.user(this.world.app.owner) : null;
    return {
      id: this.world.app.id,
      slug: this.world.app.slug,
      client_id: `Iv1.${this.world.app.id.toString(16).padStart(16, "0")}`,
      node_id: `A_${Buffer.from(`app${this.world.app.id}`).toString("base64url")}`,
      owner,
      name: this.world.app.name,
      description: "Simulated GitHub App",
      external_url: "https://example.org/advisory-bot",
      html_url: `${this.html}/apps/${this.world.app.slug}`,
      created_at: "2025-01-01T00:00:00Z",
      updated_at: "2025-01-01T00:00:00Z",
      permissions: { ...DEFAULT_APP_PERMISSIONS },
      events: ["repository_advisory", "release", "push", "issues", "issue_comment", "repository", "membership"],
      installations_count: this.world.installations.size,
    };
  }

  installation(i: InstallationRecord): Json {
    const org = this.world.org(i.account);
    return {
      id: i.id,
      // GitHub's description composes the account from user and enterprise shapes: carry both
      account: {
        ...this.user(i.account),
        name: org.login,
        slug: org.login.toLowerCase(),
        html_url: `${this.html}/${org.login}`,
        created_at: i.created_at,
        updated_at: i.created_at,
      },
      repository_selection: "all",
      access_tokens_url: `${this.api}/app/installations/${i.id}/access_tokens`,
      repositories_url: `${this.api}/installation/repositories`,
      html_url: `${this.html}/organizations/${i.account}/settings/installations/${i.id}`,
      app_id: this.world.app.id,
      app_slug: this.world.app.slug,
      target_id: this.world.org(i.account).id,
      target_type: "Organization",
      permissions: { ...i.permissions },
      events: [...i.events],
      created_at: i.created_at,
      updated_at: i.created_at,
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      suspended_by: null,
      suspended_at: null,
    };
  }

  /** Installation reference in webhook payloads. */
  installationRef(i: InstallationRecord): Json {
    return { id: i.id, node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${i.id}` };
  }

  release(r: ReleaseRecord): Json {
    const repo = this.world.repoByKey(r.repo);
    const full = `${repo.owner}/${repo.name}`;
    const base = `${this.api}/repos/${full}/releases/${r.id}`;
    return {
      url: base,
      html_url: `${this.html}/${full}/releases/${r.draft ? `untagged-${r.id}` : `tag/${r.tag_name}`}`,
      assets_url: `${base}/assets`,
      upload_url: `https://uploads.github.com/repos/${full}/releases/${r.id}/assets{?name,label}`,
      tarball_url: r.draft ? null : `${this.api}/repos/${full}/tarball/${r.tag_name}`,
      zipball_url: r.draft ? null : `${this.api}/repos/${full}/zipball/${r.tag_name}`,
      id: r.id,
      node_id: r.node_id,
      tag_name: r.tag_name,
      target_commitish: r.target_commitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: false,
      created_at: r.created_at,
      updated_at: r.published_at ?? r.created_at,
      published_at: r.published_at,
      author: this.user(r.author),
      assets: [],
    };
  }

  label(l: LabelRecord): Json {
    const repo = this.world.repoByKey(l.repo);
    return {
      id: l.id,
      node_id: l.node_id,
      url: `${this.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      description: l.description,
      color: l.color,
      default: l.default,
    };
  }

  issue(i: IssueRecord): Json {
    const repo = this.world.repoByKey(i.repo);
    const full = `${repo.owner}/${repo.name}`;
    const base = `${this.api}/repos/${full}/issues/${i.number}`;
    const labels = i.labels.map((name) => this.label(this.world.ensureLabel(repo, name)));
    const out: Json = {
      id: i.id,
      node_id: i.node_id,
      url: base,
      repository_url: `${this.api}/repos/${full}`,
      labels_url: `${base}/labels{/name}`,
      comments_url: `${base}/comments`,
      events_url: `${base}/events`,
      html_url: `${this.html}/${full}/${i.isPull ? "pull" : "issues"}/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      user: this.user(i.user),
      labels,
      assignee: null,
      assignees: [],
      milestone: null,
      locked: i.locked,
      active_lock_reason: null,
      comments: this.world.issueComments(i).length,
      closed_at: i.closed_at,
      created_at: i.created_at,
      updated_at: i.updated_at,
      author_association: this.association(repo, i.user),
      reactions: this.reactionRollup(`${base}/reactions`, []),
    };
    if (i.isPull) {
      out.pull_request = {
        url: `${this.api}/repos/${full}/pulls/${i.number}`,
        html_url: `${this.html}/${full}/pull/${i.number}`,
        diff_url: `${this.html}/${full}/pull/${i.number}.diff`,
        patch_url: `${this.html}/${full}/pull/${i.number}.patch`,
        merged_at: null,
      };
    }
    return out;
  }

  /** A pull request (an issue record with `isPull`) in the shape of GitHub's `pull_request` webhook object. */
  pullRequest(i: IssueRecord): Json {
    const repo = this.world.repoByKey(i.repo);
    const full = `${repo.owner}/${repo.name}`;
    const api = `${this.api}/repos/${full}`;
    const self = `${api}/pulls/${i.number}`;
    const html = `${this.html}/${full}/pull/${i.number}`;
    const link = (href: string) => ({ href });
    const side = (ref: string, sha: string) => ({
      label: `${repo.owner}:${ref}`,
      ref,
      repo: this.repo(repo),
      sha,
      user: this.user(repo.owner),
    });
    return {
      url: self,
      id: i.id,
      node_id: i.node_id,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${i.number}`,
      commits_url: `${self}/commits`,
      review_comments_url: `${self}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${i.number}/comments`,
      statuses_url: `${api}/statuses/${repo.headSha}`,
      number: i.number,
      state: i.state,
      locked: i.locked,
      title: i.title,
      user: this.user(i.user),
      body: i.body,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: side(`patch-${i.number}`, repo.headSha),
      base: side("main", repo.headSha),
      _links: {
        self: link(self),
        html: link(html),
        issue: link(`${api}/issues/${i.number}`),
        comments: link(`${api}/issues/${i.number}/comments`),
        review_comments: link(`${self}/comments`),
        review_comment: link(`${api}/pulls/comments{/number}`),
        commits: link(`${self}/commits`),
        statuses: link(`${api}/statuses/${repo.headSha}`),
      },
      author_association: this.association(repo, i.user),
      auto_merge: null,
      draft: false,
      merged: false,
      mergeable: null,
      rebaseable: null,
      mergeable_state: "unknown",
      merged_by: null,
      comments: this.world.issueComments(i).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1,
    };
  }

  association(repo: RepoRecord, login: string): string {
    const org = this.world.orgs.get(repo.owner.toLowerCase());
    const member = org?.members.get(login.toLowerCase());
    if (member) return "MEMBER";
    if (repo.collaborators.has(login.toLowerCase())) return "COLLABORATOR";
    return "NONE";
  }

  reactionRollup(url: string, reactions: ReactionRecord[]): Json {
    const count = (c: string) => reactions.filter((r) => r.content === c).length;
    return {
      url,
      total_count: reactions.length,
      "+1": count("+1"),
      "-1": count("-1"),
      laugh: count("laugh"),
      confused: count("confused"),
      heart: count("heart"),
      hooray: count("hooray"),
      eyes: count("eyes"),
      rocket: count("rocket"),
    };
  }

  comment(c: CommentRecord): Json {
    const issue = this.world.issues.get(c.issueId)!;
    const repo = this.world.repoByKey(issue.repo);
    const full = `${repo.owner}/${repo.name}`;
    const url = `${this.api}/repos/${full}/issues/comments/${c.id}`;
    return {
      id: c.id,
      node_id: c.node_id,
      url,
      html_url: `${this.html}/${full}/${issue.isPull ? "pull" : "issues"}/${issue.number}#issuecomment-${c.id}`,
      body: c.body,
      user: this.user(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      issue_url: `${this.api}/repos/${full}/issues/${issue.number}`,
      author_association: this.association(repo, c.user),
      performed_via_github_app: null,
      reactions: this.reactionRollup(`${url}/reactions`, this.world.listReactions(c.id)),
    };
  }

  reaction(r: ReactionRecord): Json {
    return { id: r.id, node_id: r.node_id, user: this.user(r.user), content: r.content, created_at: r.created_at };
  }

  pull(i: IssueRecord): Json {
    const repo = this.world.repoByKey(i.repo);
    const full = `${repo.owner}/${repo.name}`;
    const base = `${this.api}/repos/${full}/pulls/${i.number}`;
    const issue = this.issue(i);
    const branch = (ref: string) => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha: repo.headSha,
      user: this.user(repo.owner),
      repo: this.repo(repo),
    });
    return {
      url: base,
      id: i.id,
      node_id: i.node_id,
      html_url: `${this.html}/${full}/pull/${i.number}`,
      diff_url: `${this.html}/${full}/pull/${i.number}.diff`,
      patch_url: `${this.html}/${full}/pull/${i.number}.patch`,
      issue_url: `${this.api}/repos/${full}/issues/${i.number}`,
      commits_url: `${base}/commits`,
      review_comments_url: `${base}/comments`,
      review_comment_url: `${this.api}/repos/${full}/pulls/comments{/number}`,
      comments_url: `${this.api}/repos/${full}/issues/${i.number}/comments`,
      statuses_url: `${this.api}/repos/${full}/statuses/${repo.headSha}`,
      number: i.number,
      state: i.state,
      locked: i.locked,
      title: i.title,
      user: this.user(i.user),
      body: i.body,
      labels: issue.labels,
      milestone: null,
      active_lock_reason: null,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: branch(`pr-${i.number}`),
      base: branch(repo.default_branch),
      _links: {
        self: { href: base },
        html: { href: `${this.html}/${full}/pull/${i.number}` },
        issue: { href: `${this.api}/repos/${full}/issues/${i.number}` },
        comments: { href: `${this.api}/repos/${full}/issues/${i.number}/comments` },
        review_comments: { href: `${base}/comments` },
        review_comment: { href: `${this.api}/repos/${full}/pulls/comments{/number}` },
        commits: { href: `${base}/commits` },
        statuses: { href: `${this.api}/repos/${full}/statuses/${repo.headSha}` },
      },
      author_association: issue.author_association,
      auto_merge: null,
      draft: false,
      merged: false,
      mergeable: null,
      rebaseable: null,
      mergeable_state: "unknown",
      merged_by: null,
      comments: issue.comments,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  }

  contentFile(r: RepoRecord, path: string, text: string): Json {
    const full = `${r.owner}/${r.name}`;
    const sha = World.blobSha(text);
    const url = `${this.api}/repos/${full}/contents/${path}?ref=${r.default_branch}`;
    const gitUrl = `${this.api}/repos/${full}/git/blobs/${sha}`;
    const htmlUrl = `${this.html}/${full}/blob/${r.default_branch}/${path}`;
    return {
      type: "file",
      encoding: "base64",
      size: Buffer.byteLength(text),
      name: path.split("/").pop(),
      path,
      content: Buffer.from(text).toString("base64"),
      sha,
      url,
      git_url: gitUrl,
      html_url: htmlUrl,
      download_url: `https://raw.githubusercontent.com/${full}/${r.default_branch}/${path}`,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    };
  }
}

const DEFAULT_APP_PERMISSIONS = {
  repository_advisories: "write",
  administration: "write",
  contents: "read",
  issues: "write",
  pull_requests: "write",
  metadata: "read",
  members: "read",
};
