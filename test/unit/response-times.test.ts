import { describe, expect, it } from "vitest";
import {
  firstFixingRelease,
  median,
  RESPONSE_METRICS,
  recordMilestones,
  renderResponseTimes,
  reportCsv,
  summarize,
  type TimelineInput,
  timeline,
} from "../../src/domain/response-times.js";

// 2026-11-02 is a Monday.
const base: TimelineInput = {
  repo: "oras-project/oras-go",
  ghsa: "GHSA-2222-3333-4444",
  severity: "high",
  state: "published",
  createdAt: "2026-11-02T09:00:00Z",
  publishedAt: "2026-11-10T15:05:00Z",
  reported: true,
  acknowledgedAt: "2026-11-03T10:00:00Z",
  acceptedAt: "2026-11-02T09:00:10Z",
  staffedAt: "2026-11-02T09:00:10Z",
  fixRelease: { tag: "v2.6.1", publishedAt: "2026-11-10T15:00:00Z" },
};

describe("the timeline of one advisory", () => {
  it("counts working days from the report to each step, the same day being 0 and weekends not counting", () => {
    const t = timeline(base);
    expect(t.days).toEqual({
      acknowledge: 1,
      accept: 0,
      staff: 0,
      fixRelease: 6, // Tue 3, Wed 4, Thu 5, Fri 6, Mon 9, Tue 10
      publish: 6,
      releaseToPublish: 0,
    });
    expect(t.open).toBe(false);
    expect(t.fixRelease).toBe("v2.6.1");
  });

  it("leaves steps not reached empty, and counts no publication for an advisory that is not published", () => {
    const t = timeline({
      ...base,
      state: "draft",
      publishedAt: "2026-11-10T15:05:00Z", // a stale field never counts while the advisory is a draft
      acknowledgedAt: null,
      staffedAt: null,
      fixRelease: null,
    });
    expect(t.days).toEqual({
      acknowledge: null,
      accept: 0,
      staff: null,
      fixRelease: null,
      publish: null,
      releaseToPublish: null,
    });
    expect(t.publishedAt).toBeNull();
    expect(t.open).toBe(true);
  });

  it("takes a draft opened as such (not a private report) as accepted when it was created", () => {
    const t = timeline({ ...base, reported: false, acceptedAt: null, state: "draft" });
    expect(t.acceptedAt).toBe("2026-11-02T09:00:00.000Z");
    expect(t.days.accept).toBe(0);
    const report = timeline({ ...base, reported: true, acceptedAt: null, state: "triage" });
    expect(report.acceptedAt).toBeNull();
  });

  it("a publication two working days after the fixing release shows as 2, over the policy's same day", () => {
    const t = timeline({ ...base, publishedAt: "2026-11-12T08:00:00Z" });
    expect(t.days.releaseToPublish).toBe(2);
  });
});

describe("the first fixing release", () => {
  const advisory = {
    ghsa_id: "GHSA-2222-3333-4444",
    vulnerabilities: [{ patched_versions: "2.6.1" }],
  };
  const release = (
    tag: string,
    published_at: string | null,
    extra: Partial<{ prerelease: boolean; draft: boolean; body: string }> = {},
  ) => ({
    tag_name: tag,
    published_at,
    draft: false,
    prerelease: false,
    body: "",
    ...extra,
  });

  it("is the earliest published release that fixes it, by version (with or without v) or by naming the GHSA id", () => {
    const found = firstFixingRelease(
      advisory,
      [
        release("v2.7.0", "2026-11-20T00:00:00Z", { body: "Also fixes GHSA-2222-3333-4444." }),
        release("2.6.1", "2026-11-10T15:00:00Z"),
        release("v2.6.0", "2026-10-01T00:00:00Z"),
      ],
      { prereleases: false },
    );
    expect(found).toEqual({ tag: "2.6.1", publishedAt: "2026-11-10T15:00:00Z" });
  });

  it("skips drafts, unpublished releases and (unless configured) prereleases", () => {
    const releases = [
      release("v2.6.1", null),
      release("v2.6.1", "2026-11-09T00:00:00Z", { draft: true }),
      release("v2.6.1-rc.1", "2026-11-08T00:00:00Z", { prerelease: true, body: "GHSA-2222-3333-4444" }),
    ];
    expect(firstFixingRelease(advisory, releases, { prereleases: false })).toBeNull();
    expect(firstFixingRelease(advisory, releases, { prereleases: true })).toEqual({
      tag: "v2.6.1-rc.1",
      publishedAt: "2026-11-08T00:00:00Z",
    });
  });
});

describe("milestones recorded on the tracking issue", () => {
  const now = new Date("2026-11-04T12:00:00Z");

  it("records acceptance and staffing the first time they are seen, and never moves them", () => {
    const first = recordMilestones({}, [{ ghsa: "GHSA-AAAA-BBBB-CCCC", state: "draft", staffed: true }], now);
    expect(first).toEqual({
      "ghsa-aaaa-bbbb-cccc": { acceptedAt: now.toISOString(), staffedAt: now.toISOString() },
    });
    const later = recordMilestones(
      first,
      [{ ghsa: "GHSA-AAAA-BBBB-CCCC", state: "draft", staffed: true }],
      new Date("2026-11-09T00:00:00Z"),
    );
    expect(later).toEqual(first);
  });

  it("records nothing for a report still in triage, nor staffing of a team that differs, nor of a closed advisory", () => {
    expect(recordMilestones({}, [{ ghsa: "GHSA-1", state: "triage", staffed: false }], now)).toEqual({});
    expect(recordMilestones({}, [{ ghsa: "GHSA-1", state: "triage", staffed: true }], now)).toEqual({
      "ghsa-1": { staffedAt: now.toISOString() },
    });
    expect(recordMilestones({}, [{ ghsa: "GHSA-2", state: "closed", staffed: true }], now)).toEqual({});
  });
});

describe("org figures", () => {
  it("median of an odd and an even count, none for nothing", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  const now = new Date("2026-11-20T12:00:00Z");
  const timelines = [
    timeline(base),
    timeline({
      ...base,
      ghsa: "GHSA-5555-6666-7777",
      createdAt: "2026-11-04T09:00:00Z",
      acknowledgedAt: "2026-11-18T09:00:00Z", // 10 working days
      publishedAt: "2026-11-19T09:00:00Z",
      fixRelease: { tag: "v2.6.2", publishedAt: "2026-11-17T09:00:00Z" }, // published 2 days late
    }),
    timeline({
      ...base,
      repo: "oras-project/oras",
      ghsa: "GHSA-8888-9999-cccc",
      state: "draft",
      createdAt: "2026-11-05T09:00:00Z",
      publishedAt: null,
      acknowledgedAt: null,
      fixRelease: null,
    }),
    // Outside the 90-day window: left out of every figure.
    timeline({
      ...base,
      ghsa: "GHSA-old0-old0-old0",
      createdAt: "2026-06-01T09:00:00Z",
      acknowledgedAt: "2026-07-30T00:00:00Z",
    }),
  ];

  it("counts advisories reported in the window, with median, slowest and cases over the policy per step", () => {
    const summary = summarize(timelines, { now, ackWithin: 3 });
    expect(summary.advisories).toBe(3);
    const by = Object.fromEntries(summary.metrics.map((m) => [m.metric, m]));
    expect(by.acknowledge).toEqual({ metric: "acknowledge", count: 2, median: 5.5, max: 10, expectation: 3, late: 1 });
    expect(by.releaseToPublish).toEqual({
      metric: "releaseToPublish",
      count: 2,
      median: 1,
      max: 2,
      expectation: 0,
      late: 1,
    });
    expect(by.accept?.count).toBe(3);
    expect(summary.metrics.map((m) => m.metric)).toEqual([...RESPONSE_METRICS]);
    expect(summary.slowestOpen).toEqual([
      { repo: "oras-project/oras", ghsa: "GHSA-8888-9999-cccc", severity: "high", age: 11, waitingFor: "acknowledge" },
    ]);
  });

  it("renders the dashboard section with the policy beside each step", () => {
    const text = renderResponseTimes(summarize(timelines, { now, ackWithin: 3 }));
    expect(text).toContain("## Response times");
    expect(text).toContain("| Report → first response | 5.5 | 10 | 2 | ≤ 3 | 1 |");
    expect(text).toContain("| Fixing release → advisory published | 1 | 2 | 2 | same day | 1 |");
    expect(text).toContain("| GHSA-8888-9999-cccc | oras-project/oras | high | 11 | first response |");
    expect(renderResponseTimes(summarize([], { now, ackWithin: 3 }))).toContain(
      "Advisories reported in the last 90 days: 0.",
    );
  });
});

describe("the CSV report", () => {
  it("has a header and one row per advisory, with empty fields for steps not reached", () => {
    const csv = reportCsv([timeline(base)]);
    const [header, row, end] = csv.split("\r\n");
    expect(header).toBe(
      "repository,ghsa_id,severity,state,reported_at,acknowledged_at,accepted_at,staffed_at,fixing_release,fix_released_at,published_at,acknowledge_days,accept_days,staff_days,fix_release_days,publish_days,release_to_publish_days",
    );
    expect(row).toBe(
      "oras-project/oras-go,GHSA-2222-3333-4444,high,published,2026-11-02T09:00:00.000Z,2026-11-03T10:00:00.000Z,2026-11-02T09:00:10.000Z,2026-11-02T09:00:10.000Z,v2.6.1,2026-11-10T15:00:00.000Z,2026-11-10T15:05:00.000Z,1,0,0,6,6,0",
    );
    expect(end).toBe("");
  });

  it("quotes separators and defuses spreadsheet formulas in fields that come from people", () => {
    const csv = reportCsv([
      timeline({ ...base, fixRelease: { tag: '=HYPERLINK("x"),1', publishedAt: "2026-11-10T15:00:00Z" } }),
    ]);
    expect(csv).toContain(`"'=HYPERLINK(""x""),1"`);
  });
});
