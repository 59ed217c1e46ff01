import { generateKeyPairSync } from "node:crypto";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { DASHBOARD_LABEL } from "../../src/domain/tracking.js";
import { main } from "../../src/report/cli.js";
import { BED_SECRET, type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { ORAS_GO_UNVERSIONED, trackingIssues } from "../helpers/world.js";

// The simulator accepts any App JWT; the report signs a real one with this throwaway key.
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

const DESCRIPTION = `### Impact
A crafted manifest makes the client write outside its target directory.

### Details
Layer titles are joined to the output path without cleaning.

### Patches
Upgrade to v2.6.1.
`;

async function report(bed: Bed, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main([...args, "--base-url", bed.sim.url], {
    env: { APP_ID: String(bed.sim.world.app.id), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: BED_SECRET },
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

/** The CSV's rows by column name; times to the minute (the simulator stamps its writes a second apart). */
function csvRows(csv: string): Array<Record<string, string>> {
  const [header, ...rows] = csv.trimEnd().split("\r\n");
  const names = (header ?? "").split(",");
  const minute = (v: string) => (/^\d{4}-\d\d-\d\dT/.test(v) ? v.slice(0, 16) : v);
  return rows.map((row) => Object.fromEntries(row.split(",").map((v, i) => [names[i], minute(v)])));
}

/**
 * The demo's story on a controlled clock: a report on oras-go on Monday 2 November, a maintainer's first
 * command on Tuesday, a draft opened by hand in oras on Wednesday, oras-go v2.6.1 released the Tuesday
 * after; the report is read on Thursday 12 November.
 */
async function lifecycle(bed: Bed) {
  seedOras(bed.sim);
  const reported = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal when extracting crafted artifacts",
    description: DESCRIPTION,
    vulnerabilities: [ORAS_GO_UNVERSIONED],
  });
  await bed.sim.idle();
  const issue = trackingIssues(bed, reported.ghsa_id)[0];
  if (!issue) throw new Error("no tracking issue");

  bed.clock.set("2026-11-03T10:00:00Z");
  await bed.sim.comment(ORG, TRACKER, issue.number, "qweeah", "/advisory fixed-in 2.6.1\n/advisory severity high");
  await bed.sim.idle();

  bed.clock.set("2026-11-04T11:00:00Z");
  const byHand = bed.sim.createAdvisoryByHand(ORG, "oras", "TerryHowe", {
    summary: "Credentials echoed in debug output",
    description: "### Impact\nTokens appear in `--debug` logs.\n",
    severity: "medium",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras" },
        vulnerable_version_range: "< 1.3.2",
        patched_versions: "1.3.2",
        vulnerable_functions: [],
      },
    ],
  });
  await bed.bot.sweepAll();

  bed.clock.set("2026-11-10T15:00:00Z");
  await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", body: "Bug fixes.", author: "qweeah" });
  await bed.sim.idle();

  bed.clock.set("2026-11-12T09:00:00Z");
  await bed.bot.sweepAll();
  return { reported: reported.ghsa_id, byHand: byHand.ghsa_id };
}

describe("response times", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("npm run report: one CSV row per advisory with the timeline GitHub and the tracking issue show", async () => {
    bed = await startBed({ start: "2026-11-02T09:00:00Z" });
    const { reported, byHand } = await lifecycle(bed);
    expect(bed.sim.world.getAdvisory(reported)?.state).toBe("published");

    const before = bed.sim.requests.length;
    const csv = await report(bed, ["--org", ORG]);
    expect(csv.err).toBe("");
    expect(csv.code).toBe(0);
    const rows = csvRows(csv.out);
    expect(rows.map((r) => r.ghsa_id)).toEqual([reported, byHand]);
    // Written by hand from the story above: Monday → Tuesday is 1 working day, Monday → the next Tuesday 6.
    expect(rows[0]).toEqual({
      repository: "oras-project/oras-go",
      ghsa_id: reported,
      severity: "high",
      state: "published",
      reported_at: "2026-11-02T09:00",
      acknowledged_at: "2026-11-03T10:00",
      accepted_at: "2026-11-02T09:00",
      staffed_at: "2026-11-02T09:00",
      fixing_release: "v2.6.1",
      fix_released_at: "2026-11-10T15:00",
      published_at: "2026-11-10T15:00",
      acknowledge_days: "1",
      accept_days: "0",
      staff_days: "0",
      fix_release_days: "6",
      publish_days: "6",
      release_to_publish_days: "0",
    });
    // A draft opened by hand is accepted when created; the sweep that day staffed it; nobody answered yet.
    expect(rows[1]).toEqual({
      repository: "oras-project/oras",
      ghsa_id: byHand,
      severity: "medium",
      state: "draft",
      reported_at: "2026-11-04T11:00",
      acknowledged_at: "",
      accepted_at: "2026-11-04T11:00",
      staffed_at: "2026-11-04T11:00",
      fixing_release: "",
      fix_released_at: "",
      published_at: "",
      acknowledge_days: "",
      accept_days: "0",
      staff_days: "0",
      fix_release_days: "",
      publish_days: "",
      release_to_publish_days: "",
    });
    // Read-only: nothing but reads (and the App's token exchange).
    const writes = bed.sim.requests
      .slice(before)
      .filter((r) => r.method !== "GET" && r.path !== "/graphql" && !r.path.endsWith("/access_tokens"));
    expect(writes).toEqual([]);

    const json = await report(bed, ["--org", ORG, "--format", "json", "--since", "2026-11-04"]);
    const parsed = JSON.parse(json.out) as { advisories: Array<{ ghsa: string }>; summary: { advisories: number } };
    expect(parsed.advisories.map((a) => a.ghsa)).toEqual([byHand]);
    expect(parsed.summary.advisories).toBe(1);

    const md = await report(bed, ["--org", ORG, "--format", "md"]);
    expect(md.out).toContain("| Report → first response | 1 | 1 | 1 | ≤ 14 | 0 |");

    const bad = await report(bed, ["--org", ORG, "--format", "xml"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--format must be one of csv, json, md");
  });

  it("the dashboard shows the response times next to the policy", async () => {
    bed = await startBed({ start: "2026-11-02T09:00:00Z" });
    const { byHand } = await lifecycle(bed);
    const dashboard = bed.sim.world
      .listIssues(ORG, TRACKER)
      .find((i) => i.labels.includes(DASHBOARD_LABEL) && i.state === "open");
    expect(dashboard?.body).toContain("## Response times");
    expect(dashboard?.body).toContain("Advisories reported in the last 90 days: 2.");
    expect(dashboard?.body).toContain("| Report → first response | 1 | 1 | 1 | ≤ 14 | 0 |");
    expect(dashboard?.body).toContain("| Fixing release → advisory published | 0 | 0 | 1 | same day | 0 |");
    // 2026-11-04 (Wed) → 2026-11-12 (Thu): 6 working days, still waiting for a first response.
    expect(dashboard?.body).toContain(`| ${byHand} | oras-project/oras | medium | 6 | first response |`);
  });

  it("GET /metrics: off by default; with METRICS it parses as Prometheus text and names no unpublished advisory", async () => {
    bed = await startBed({ start: "2026-11-02T09:00:00Z" });
    expect((await fetch(`${bed.appUrl}/metrics`)).status).toBe(404);
    await bed.close();

    bed = await startBed({ start: "2026-11-02T09:00:00Z", settings: { metrics: true, metricsToken: "t".repeat(24) } });
    const { reported, byHand } = await lifecycle(bed);
    // The org goes quiet (pending forks appear): a sweep reads what changed, and the next one's lists
    // answer 304, which the request counter labels.
    bed.sim.tick();
    await bed.bot.sweepAll();
    await bed.bot.sweepAll();
    expect((await fetch(`${bed.appUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${bed.appUrl}/metrics`, { headers: { authorization: `Bearer ${"t".repeat(24)}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const families = parsePrometheusTextFormat(text);
    const family = (name: string) => families.find((f) => f.name === name);

    const deliveries = family("advisory_bot_deliveries_total");
    expect(deliveries?.type).toBe("COUNTER");
    const reportedDone = deliveries?.metrics.find(
      (m) => m.labels?.event === "repository_advisory" && m.labels?.outcome === "done",
    );
    expect(Number(reportedDone?.value)).toBeGreaterThanOrEqual(1);
    const requests = family("advisory_bot_github_requests_total");
    expect(requests?.metrics.some((m) => m.labels?.status === "304")).toBe(true);
    expect(requests?.metrics.some((m) => m.labels?.api === "graphql")).toBe(true);
    expect(family("advisory_bot_github_rate_limit_remaining")?.metrics.length).toBeGreaterThan(0);
    expect(family("advisory_bot_sweep_duration_seconds")?.type).toBe("HISTOGRAM");
    const open = family("advisory_bot_open_advisories")?.metrics ?? [];
    expect(open.find((m) => m.labels?.state === "draft")?.value).toBe("1");
    expect(open.find((m) => m.labels?.state === "triage")?.value).toBe("0");
    expect(family("advisory_bot_response_time_working_days")?.type).toBe("HISTOGRAM");
    // The parser folds labelled histograms away; their samples are read from the text itself.
    const sample = (line: string) => text.split("\n").includes(line);
    const series = `org="${ORG}",step="acknowledge"`;
    expect(sample(`advisory_bot_response_time_working_days_bucket{le="0",${series}} 0`)).toBe(true);
    expect(sample(`advisory_bot_response_time_working_days_bucket{le="1",${series}} 1`)).toBe(true);
    expect(sample(`advisory_bot_response_time_working_days_count{${series}} 1`)).toBe(true);

    // The unpublished advisory is never named; nor any repository.
    expect(text).not.toContain(byHand);
    expect(text).not.toMatch(/GHSA-/i);
    expect(text).not.toContain(reported);
    expect(text).not.toContain("oras-go");
  });
});
