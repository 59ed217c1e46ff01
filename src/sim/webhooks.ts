/** Signed webhook deliveries to the app, and the payload builders for the events the simulator emits. */
import { createHmac } from "node:crypto";
import { Prng } from "./prng.js";
import type { Repr } from "./repr.js";
import type { AdvisoryRecord, IssueRecord, ReleaseRecord, RepoRecord, TeamRecord, World } from "./world.js";

export interface DeliveryResult {
  id: string;
  event: string;
  action: string | undefined;
  /** HTTP status of the app's answer; 0 when nothing was sent (dropped, no URL, not subscribed) */
  status: number;
}

export interface Delivery extends DeliveryResult {
  payload: Record<string, unknown>;
  body: string;
  headers: Record<string, string>;
  dropped: boolean;
  skipped: string | null;
  redelivery: boolean;
  error: string | null;
}

type Json = Record<string, unknown>;

export class Webhooks {
  readonly deliveries: Delivery[] = [];
  target: { url: string; secret: string } | null;
  dropRate = 0;
  private prng: Prng;
  private dropPrng: Prng;
  private pending = new Set<Promise<unknown>>();

  constructor(
    private world: World,
    private repr: Repr,
    seed: number,
    target: { url: string; secret: string } | null,
  ) {
    this.prng = new Prng(seed ^ 0xde11);
    this.dropPrng = new Prng(seed ^ 0xd809);
    this.target = target;
  }

  static sign(secret: string, body: string): string {
    return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  }

  /** Deliver a payload; the installation reference is added from the payload's organization/repository. */
  async deliver(event: string, payload: Json): Promise<DeliveryResult> {
    const account =
      (payload.organization as { login?: string } | undefined)?.login ??
      (payload.repository as { owner?: { login?: string } } | undefined)?.owner?.login;
    let skipped: string | null = null;
    if (!payload.installation && account) {
      const inst = [...this.world.installations.values()].find(
        (i) => i.account.toLowerCase() === account.toLowerCase(),
      );
      if (inst) {
        payload.installation = this.repr.installationRef(inst);
        if (!inst.events.includes(event)) skipped = `installation is not subscribed to ${event}`;
      } else {
        skipped = "no installation for the account";
      }
    }
    const id = this.prng.uuid();
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/simulator",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-github-hook-id": "1",
      "x-github-hook-installation-target-id": String(this.world.app.id),
      "x-github-hook-installation-target-type": "integration",
    };
    if (this.target) {
      headers["x-hub-signature-256"] = Webhooks.sign(this.target.secret, body);
      headers["x-hub-signature"] = `sha1=${createHmac("sha1", this.target.secret).update(body).digest("hex")}`;
    }
    const delivery: Delivery = {
      id,
      event,
      action: typeof payload.action === "string" ? payload.action : undefined,
      status: 0,
      payload,
      body,
      headers,
      dropped: false,
      skipped,
      redelivery: false,
      error: null,
    };
    this.deliveries.push(delivery);
    if (!skipped && this.dropRate > 0 && this.dropPrng.next() < this.dropRate) delivery.dropped = true;
    if (!skipped && !delivery.dropped) await this.send(delivery);
    return { id: delivery.id, event, action: delivery.action, status: delivery.status };
  }

  /** Send a recorded delivery again (same delivery id, like GitHub's redelivery). */
  async redeliver(id: string): Promise<DeliveryResult> {
    const original = this.deliveries.find((d) => d.id === id);
    if (!original) throw new Error(`no delivery ${id}`);
    const copy: Delivery = { ...original, status: 0, dropped: false, skipped: null, redelivery: true, error: null };
    this.deliveries.push(copy);
    await this.send(copy);
    return { id: copy.id, event: copy.event, action: copy.action, status: copy.status };
  }

  /** Fire and forget (for webhooks caused by the app's own API writes); `idle()` awaits them. */
  background(event: string, payload: Json): void {
    const p = this.deliver(event, payload).catch(() => undefined);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async send(delivery: Delivery): Promise<void> {
    if (!this.target) return;
    try {
      const res = await fetch(this.target.url, { method: "POST", headers: delivery.headers, body: delivery.body });
      delivery.status = res.status;
      await res.arrayBuffer();
    } catch (err) {
      delivery.error = (err as Error).message;
      delivery.status = 0;
    }
  }

  // ---------------------------------------------------------------- payload builders

  private common(repo: RepoRecord, sender: string): Json {
    return {
      repository: this.repr.repo(repo),
      organization: this.repr.org(this.world.org(repo.owner)),
      sender: this.repr.user(sender),
    };
  }

  advisory(action: "reported" | "published", a: AdvisoryRecord, sender: string): [string, Json] {
    const repo = this.world.repoByKey(a.repo);
    return [
      "repository_advisory",
      { action, repository_advisory: this.repr.advisory(a), ...this.common(repo, sender) },
    ];
  }

  release(action: string, r: ReleaseRecord, sender: string): [string, Json] {
    const repo = this.world.repoByKey(r.repo);
    return ["release", { action, release: this.releasePayload(r), ...this.common(repo, sender) }];
  }

  private releasePayload(r: ReleaseRecord): Json {
    return { ...this.repr.release(r) };
  }

  issue(action: string, i: IssueRecord, sender: string, extra: Json = {}): [string, Json] {
    const repo = this.world.repoByKey(i.repo);
    return ["issues", { action, issue: this.repr.issue(i), ...extra, ...this.common(repo, sender) }];
  }

  pullRequest(action: "opened" | "edited", i: IssueRecord, sender: string, extra: Json = {}): [string, Json] {
    const repo = this.world.repoByKey(i.repo);
    return [
      "pull_request",
      { action, number: i.number, pull_request: this.repr.pullRequest(i), ...extra, ...this.common(repo, sender) },
    ];
  }

  comment(action: "created" | "edited", commentId: number, sender: string, extra: Json = {}): [string, Json] {
    const c = this.world.comments.get(commentId)!;
    const i = this.world.issues.get(c.issueId)!;
    const repo = this.world.repoByKey(i.repo);
    return [
      "issue_comment",
      { action, issue: this.repr.issue(i), comment: this.repr.comment(c), ...extra, ...this.common(repo, sender) },
    ];
  }

  repository(action: "archived" | "unarchived", repo: RepoRecord, sender: string): [string, Json] {
    return ["repository", { action, ...this.common(repo, sender) }];
  }

  membership(action: "added" | "removed", team: TeamRecord, member: string, sender: string): [string, Json] {
    return [
      "membership",
      {
        action,
        scope: "team",
        member: this.repr.user(member),
        sender: this.repr.user(sender),
        team: this.repr.team(team),
        organization: this.repr.org(this.world.org(team.org)),
      },
    ];
  }

  push(
    repo: RepoRecord,
    pusher: string,
    before: string,
    after: string,
    message: string,
    changes: { added: string[]; modified: string[]; removed: string[] },
    timestamp: string,
  ): [string, Json] {
    const full = `${repo.owner}/${repo.name}`;
    const user = this.world.userOrCreate(pusher);
    const person = {
      name: user.name ?? user.login,
      email: `${user.login}@users.noreply.github.com`,
      username: user.login,
    };
    const commit = {
      id: after,
      tree_id: this.world.sha(),
      distinct: true,
      message,
      timestamp,
      url: `${this.repr.html}/${full}/commit/${after}`,
      author: person,
      committer: person,
      added: changes.added,
      removed: changes.removed,
      modified: changes.modified,
    };
    const repository = this.repr.repo(repo);
    return [
      "push",
      {
        ref: `refs/heads/${repo.default_branch}`,
        before,
        after,
        created: false,
        deleted: false,
        forced: false,
        base_ref: null,
        compare: `${this.repr.html}/${full}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
        commits: [commit],
        head_commit: commit,
        repository: {
          ...repository,
          created_at: Math.floor(Date.parse(repo.created_at) / 1000),
          pushed_at: Math.floor(Date.parse(repo.pushed_at) / 1000),
          stargazers: 0,
          master_branch: repo.default_branch,
          organization: repo.owner,
        },
        pusher: { name: user.login, email: person.email },
        organization: this.repr.org(this.world.org(repo.owner)),
        sender: this.repr.user(pusher),
      },
    ];
  }
}
