import { describe, expect, it } from "vitest";
import { DEMO_STEPS, runDemo } from "../../src/sim/demo.js";

const FINAL_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "wangxiaoxuan273"];
const sorted = (xs: readonly string[]) => [...xs].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));

describe("npm run demo: the lifecycle as a timeline", () => {
  it("plays every step on the bed and prints what GitHub sent, what the app wrote and where the advisories stand", async () => {
    const lines: string[] = [];
    const { steps } = await runDemo({ out: (line) => lines.push(line) });
    const text = lines.join("\n");
    const byTitle = (title: string) => steps.find((s) => s.title === title);

    expect(steps.map((s) => s.title)).toEqual(DEMO_STEPS.map((s) => s.title));
    DEMO_STEPS.forEach((step, i) => {
      expect(text).toMatch(new RegExp(`━━ ${i + 1} · [^\n]* · ${step.title} `));
    });
    expect(text).not.toContain("\u001b["); // no colours unless asked for

    // 1. the seed summary
    const [seed, report, sweep, roster, byHand] = steps;
    expect(seed?.facts.join("\n")).toMatch(/oras-go\s+OWNERS\.md: shizhMSFT qweeah Wwwsylvia · emeritus deitch/);
    expect(seed?.facts.join("\n")).toContain("security-response");
    expect(seed?.writes).toEqual([]);

    // 2. the report: accepted, staffed (emeritus excluded), fork requested, tracking issue opened
    expect(report?.deliveries[0]).toMatchObject({ event: "repository_advisory", action: "reported", status: 200 });
    const ghsa = report?.advisories.find((a) => a.label === "report")?.ghsa ?? "";
    expect(ghsa).toMatch(/^GHSA-/);
    const reportWrites = report?.writes.map((w) => `${w.method} ${w.what}`) ?? [];
    expect(reportWrites).toContain(`PATCH advisory ${ghsa} (state: draft, 7 collaborators)`);
    expect(reportWrites.some((w) => w.startsWith(`POST fork of ${ghsa}`))).toBe(true);
    expect(reportWrites.some((w) => /^POST issue security-response#\d+ "\[GHSA-/.test(w))).toBe(true);
    expect(text).toContain("GitHub → app   repository_advisory.reported → 200");
    expect(text).toMatch(/cost {11}\d+ reads \(\d+ GraphQL\), \d+ writes/);
    const afterReport = report?.advisories.find((a) => a.ghsa === ghsa);
    expect(afterReport?.state).toBe("draft");
    expect(afterReport?.collaborators).not.toContain("deitch");
    expect(afterReport?.tracking).not.toBeNull();

    // 3. the sweep: the fork is ready and the checklist ticked; the advisory is not written
    const swept = sweep?.advisories.find((a) => a.ghsa === ghsa);
    expect(swept?.fork).toMatch(/oras-go-ghsa-/);
    expect(swept?.tracking?.checked).toBeGreaterThan(afterReport?.tracking?.checked ?? 0);
    expect(sweep?.writes.filter((w) => w.what.startsWith("advisory ") || w.what.startsWith("fork "))).toEqual([]);

    // 4. the roster change: one PATCH, +wangxiaoxuan273 −Wwwsylvia
    expect(roster?.deliveries.map((d) => `${d.event} ${d.status}`)).toContain("push 200");
    expect(roster?.writes.filter((w) => w.what.startsWith(`advisory ${ghsa}`))).toHaveLength(1);
    expect(roster?.lines.join("\n")).toContain("(+wangxiaoxuan273 −Wwwsylvia)");

    // 5. the draft made by hand: no webhook, picked up by the sweep
    const handGhsa = byHand?.advisories.find((a) => a.label === "by hand")?.ghsa ?? "";
    expect(byHand?.deliveries.filter((d) => !d.echo)).toEqual([]);
    expect(byHand?.writes.some((w) => w.what.startsWith(`advisory ${handGhsa}`))).toBe(true);
    // the tracking issue @sajay opened by hand is adopted: it tracks the draft, and no second one is opened
    const opened = Number(
      /issue {6}security-response#(\d+) opened by @sajay/.exec(byHand?.facts.join("\n") ?? "")?.[1],
    );
    expect(byHand?.advisories.find((a) => a.ghsa === handGhsa)?.tracking).toMatchObject({ number: opened, count: 1 });
    expect(byHand?.writes.some((w) => w.method === "POST" && w.what.includes(`#${opened}`))).toBe(true);
    expect(
      byHand?.writes.some((w) => w.method === "POST" && w.what.startsWith("issue ") && w.what.includes("[GHSA-")),
    ).toBe(false);

    // 6. commands: fixed-in recorded, publish refused before the release, a user with no role refused
    const commands = byTitle("Maintainers use slash commands on the tracking issue");
    expect(commands?.facts.join("\n")).toContain("✅ /advisory fixed-in 2.6.1");
    expect(commands?.facts.join("\n")).toContain(
      `❌ /advisory publish — ${ghsa}: not published — no published release for 2.6.1.`,
    );
    expect(commands?.facts.join("\n")).toContain(
      "❌ /advisory hold — Not allowed: @outsider is not on the security team.",
    );
    expect(commands?.advisories.find((a) => a.ghsa === ghsa)?.state).toBe("draft");

    // 8. v2.6.1 publishes exactly the complete 2.6.1 draft; the report is blocked (no fix section); 2.7.0 waits
    const release = byTitle("oras-go v2.6.1 is released");
    const states = (label: string) => release?.advisories.find((a) => a.label === label)?.state;
    expect([states("2.6.1 draft"), states("report"), states("2.7.0 draft"), states("CLI sibling")]).toEqual([
      "published",
      "draft",
      "draft",
      "draft",
    ]);
    expect(release?.writes.filter((w) => w.what.includes("state: published"))).toHaveLength(1);
    // the advisory published on release day is written in GitHub's own template, with no Details heading
    expect(release?.advisories.find((a) => a.label === "2.6.1 draft")?.headings).toEqual([
      "Impact",
      "Patches",
      "Workarounds",
      "References",
    ]);

    // 9–10. published by command after the fix, and the CLI sibling on its own release
    const final = steps.at(-1)?.advisories;
    expect(final?.find((a) => a.ghsa === ghsa)?.state).toBe("published");
    expect(final?.find((a) => a.label === "CLI sibling")?.state).toBe("published");
    expect(final?.find((a) => a.label === "2.7.0 draft")?.state).toBe("draft");
    expect(sorted(final?.find((a) => a.ghsa === ghsa)?.collaborators ?? [])).toEqual(sorted(FINAL_TEAM));
    expect(text).toContain("unknown routes: 0");

    // 11. the embargo watch: one private notice, nothing public (the bed fails on any public leak)
    const watch = byTitle("A public pull request names the embargoed advisory")?.facts.join("\n") ?? "";
    expect(watch).toMatch(/notice {5}security-response#\d+: \*\*Embargo watch\*\*: public text names GHSA-/);

    // 12. the dashboard's response times: both published advisories went out the day of their release
    const times = byTitle("The dashboard's response times")?.facts.join("\n") ?? "";
    expect(times).toContain("| Report → first response |");
    expect(times).toMatch(/\| Fixing release → advisory published \| 0 \| 0 \| \d+ \| same day \| 0 \|/);
  });
});
