import {
  AUDIT_TITLE,
  type AuditTeam,
  type RemovalOutcome,
  renderAuditReport,
  teamRemovals,
} from "../domain/audit-report.js";
import { loginKey } from "../domain/handles.js";
import { type AuditFinding, auditSecurityTeam } from "../domain/patch-team.js";
import { AUDIT_LABEL } from "../domain/tracking.js";
import { ApplyError, apply } from "../github/apply.js";
import { applyLogged, createPinned, labelledIssues, sameBody, usableTracker } from "./dashboard.js";
import { type OrgView, orgConfig, type RunContext, securityTeam } from "./org-view.js";

/**
 * Org membership of each security-team member: as the org query read it when it did (`read`), else
 * `GET /orgs/{org}/members/{username}` (204 member, 404 not). A member whose check fails otherwise is
 * given the benefit of the doubt and reported as unchecked, so an API hiccup never flags (or removes)
 * anybody.
 */
async function orgMembership(
  ctx: RunContext,
  org: string,
  members: readonly string[],
  read: ReadonlyMap<string, boolean> | undefined,
): Promise<{ members: Set<string>; unchecked: string[] }> {
  const known = new Set<string>();
  const unchecked: string[] = [];
  for (const username of members) {
    const member = read?.get(loginKey(username));
    if (member !== undefined) {
      if (member) known.add(loginKey(username));
      continue;
    }
    try {
      await ctx.octokit.rest.orgs.checkMembershipForUser({ org, username });
      known.add(loginKey(username));
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 404) continue;
      ctx.log.warn({ org, login: username, status }, "security-team audit: org membership check failed");
      known.add(loginKey(username));
      unchecked.push(username);
    }
  }
  return { members: known, unchecked };
}

/**
 * The security-team audit: every member of the security team must be an active maintainer of an
 * active repository of the org and an org member. Violations are listed on one pinned issue in the
 * tracker repository (labelled `advisory-audit`; edited in place, reopened when violations come back,
 * closed as completed when the team is clean). With `securityTeam.enforce: true` violators are removed
 * from the GitHub team first, so the issue can say what happened. Without a usable tracker the audit
 * is only logged and nothing is written: a removal is never made without the issue that explains it.
 */
export async function reconcileAudit(
  ctx: RunContext,
  view: OrgView,
): Promise<{ writes: number; findings: AuditFinding[] }> {
  const config = orgConfig(view);
  if (config === null) return { writes: 0, findings: [] };
  const settings = config.config.securityTeam;
  const team = securityTeam(view, config.config);
  const slug = settings.team ?? null;
  const fromTeam = slug === null ? undefined : view.teams.get(slug);
  const auditTeam: AuditTeam | null = slug === null ? null : { slug, members: fromTeam === undefined ? [] : fromTeam };

  // A GitHub team holds only org members; only the handles listed in the configuration need checking.
  const onTeam = new Set((fromTeam ?? []).map(loginKey));
  const membership = await orgMembership(
    ctx,
    view.org,
    team.members.filter((m) => !onTeam.has(loginKey(m))),
    view.orgMembers,
  );
  for (const m of team.members) if (onTeam.has(loginKey(m))) membership.members.add(loginKey(m));
  const findings = auditSecurityTeam(team.members, view.rosters, config.config.inactive, membership.members);
  if (findings.length > 0)
    ctx.log.info(
      { org: view.org, violations: findings.map((f) => ({ login: f.login, problem: f.problem })) },
      "security-team audit found violations",
    );

  const tracker = usableTracker(ctx, view, config, "security-team audit");
  if (tracker === null) return { writes: 0, findings };

  let writes = 0;
  const removals = new Map<string, RemovalOutcome>();
  for (const write of teamRemovals({ org: view.org, team: auditTeam, findings, enforce: settings.enforce })) {
    if (write.op !== "team.removeMember") continue;
    const key = loginKey(write.params.username);
    try {
      const [done] = await apply([write], ctx);
      if (done?.performed) {
        writes += 1;
        removals.set(key, { kind: "removed" });
      } else {
        removals.set(key, { kind: "dry-run" });
      }
    } catch (err) {
      if (!(err instanceof ApplyError)) throw err;
      removals.set(key, err.status === 403 ? { kind: "forbidden" } : { kind: "failed", status: err.status ?? null });
      ctx.log.warn(
        { org: view.org, team: write.params.team_slug, login: write.params.username, status: err.status },
        "security-team audit: removal from the team refused",
      );
    }
  }

  const report = renderAuditReport({
    org: view.org,
    findings,
    memberCount: team.members.length,
    team: auditTeam,
    listed: settings.members,
    enforce: settings.enforce,
    removals,
    configFile: config.files.length > 0 ? config.files.join(" → ") : null,
    unchecked: membership.unchecked,
  });

  const [existing] = await labelledIssues(ctx, tracker, AUDIT_LABEL, "all");
  if (existing === undefined) {
    if (report.clean) return { writes, findings };
    writes += await createPinned(
      ctx,
      tracker,
      { title: AUDIT_TITLE, body: report.body, label: AUDIT_LABEL },
      "security-team audit found violations",
    );
    return { writes, findings };
  }

  const update: Record<string, unknown> = {};
  if (!sameBody(existing.body, report.body)) update.body = report.body;
  const open = existing.state === "open";
  if (report.clean && open) {
    update.state = "closed";
    update.state_reason = "completed";
  } else if (!report.clean && !open) {
    update.state = "open";
  }
  if (Object.keys(update).length === 0) return { writes, findings };
  const why =
    update.state === "closed"
      ? "security team is clean"
      : update.state === "open"
        ? "security-team violations are back"
        : "security-team audit changed";
  const applied = await applyLogged(
    ctx,
    [
      {
        op: "issue.update",
        params: { owner: ctx.org, repo: tracker.repo, issue_number: existing.number, ...update },
        why,
      },
    ],
    "security-team audit",
  );
  writes += applied.filter((a) => a.performed).length;
  return { writes, findings };
}
