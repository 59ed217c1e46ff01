import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";

const DAY = 24 * 60 * 60 * 1000;

function reminders(bed: Bed) {
  const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory"));
  return issue ? bed.sim.world.listComments(ORG, TRACKER, issue.number).filter((c) => /reminder: /i.test(c.body)) : [];
}

describe("acknowledgement clock (ackWithin working days, clock injected)", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("reminds on the right working days across a weekend, at most once a day, escalating, and stops after a human response", async () => {
    // Thursday 2026-11-19; ackWithin 2 → late on Monday 23rd, not on the weekend.
    bed = await startBed({ start: "2026-11-19T09:00:00Z" });
    seedOras(bed.sim, {
      config: "securityTeam:\n  team: security\ntracker:\n  repo: security-response\nintake:\n  ackWithin: 2\n",
    });
    await bed.sim.reportVulnerability(ORG, "oras-go", { reporter: "reporter1", summary: "s", description: "d" });
    await bed.sim.idle();

    const sweepAt = async (iso: string) => {
      bed.clock.set(iso);
      await bed.bot.sweepAll();
    };
    await sweepAt("2026-11-20T10:00:00Z"); // Friday: 1 working day
    await sweepAt("2026-11-21T10:00:00Z"); // Saturday
    await sweepAt("2026-11-22T10:00:00Z"); // Sunday
    expect(reminders(bed)).toHaveLength(0);

    await sweepAt("2026-11-23T08:00:00Z"); // Monday: due
    expect(reminders(bed)).toHaveLength(1);
    expect(reminders(bed)[0]?.body).toMatch(/^Reminder: @/);
    expect(reminders(bed)[0]?.body).toContain("@shizhMSFT");
    expect(reminders(bed)[0]?.body).not.toContain("@reporter1");
    await sweepAt("2026-11-23T16:00:00Z"); // same day: not again
    expect(reminders(bed)).toHaveLength(1);

    await sweepAt("2026-11-26T10:00:00Z"); // 3 working days overdue: escalated
    expect(reminders(bed)).toHaveLength(2);
    expect(reminders(bed)[1]?.body).toMatch(/^Second reminder/);

    // A maintainer answers on the tracking issue: no more reminders.
    const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory"))!;
    await bed.sim.comment(ORG, TRACKER, issue.number, "qweeah", "Looking into it.");
    bed.clock.advance(DAY);
    await bed.bot.sweepAll();
    bed.clock.advance(DAY);
    await bed.bot.sweepAll();
    expect(reminders(bed)).toHaveLength(2);
  });

  it("the reporter's own comments do not count as a response", async () => {
    bed = await startBed({ start: "2026-11-19T09:00:00Z" });
    seedOras(bed.sim, { config: "tracker:\n  repo: security-response\nintake:\n  ackWithin: 1\n" });
    await bed.sim.reportVulnerability(ORG, "oras-go", { reporter: "reporter1", summary: "s", description: "d" });
    await bed.sim.idle();
    const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory"))!;
    await bed.sim.comment(ORG, TRACKER, issue.number, "reporter1", "Any news?");
    bed.clock.set("2026-11-20T10:00:00Z");
    await bed.bot.sweepAll();
    expect(reminders(bed)).toHaveLength(1);
  });

  it("with acceptReports off, a maintainer accepting the report on GitHub acknowledges it", async () => {
    bed = await startBed({ start: "2026-11-19T09:00:00Z" });
    seedOras(bed.sim, {
      config: "tracker:\n  repo: security-response\nintake:\n  ackWithin: 1\n  acceptReports: false\n",
    });
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "s",
      description: "d",
    });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("triage");
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", sent.ghsa_id, "qweeah", { state: "draft" });
    bed.clock.set("2026-11-23T10:00:00Z");
    await bed.bot.sweepAll();
    expect(reminders(bed)).toHaveLength(0);
    const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory"))!;
    expect(issue.body).toMatch(/\[x\] Report acknowledged/i);
  });
});

describe("private fork", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("a slow fork is not reported as a failure when it is requested again", async () => {
    bed = await startBed({ forkDelayReads: 20 });
    seedOras(bed.sim);
    await bed.sim.reportVulnerability(ORG, "oras-go", { reporter: "reporter1", summary: "s", description: "d" });
    await bed.sim.idle();
    bed.clock.advance(2 * 60 * 60 * 1000);
    const summary = await bed.bot.sweepAll();
    expect(summary.orgs[0]?.problems).toEqual([]);
    const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory"))!;
    expect(issue.body).not.toMatch(/GitHub refused advisory\.fork/);
  });
});
