/**
 * The doctor's report: one finding per check and org, rendered as a table for people or as JSON
 * for machines. Findings name repositories, teams, permissions and configuration paths; never
 * advisory content and never credentials.
 */

/** `ok` ✓ nothing to do; `warn` ! worth a look, or the check could not be answered; `fail` ✗ must be fixed. */
export type FindingStatus = "ok" | "warn" | "fail";

export interface Finding {
  /** The org (installation account), or `(app)` for checks of the App itself. */
  org: string;
  /** What was checked, e.g. `permission administration`, `tracker`, `config`. */
  check: string;
  status: FindingStatus;
  detail: string;
  /** How to fix it; null when there is nothing to do. */
  fix: string | null;
}

export interface DoctorReport {
  app: { id: number; slug: string | null };
  baseUrl: string;
  /** Installations seen (organizations and user accounts). */
  installations: number;
  findings: Finding[];
  counts: Record<FindingStatus, number>;
  /** True when no finding failed. */
  ok: boolean;
}

export const STATUS_SYMBOL: Record<FindingStatus, string> = { ok: "✓", warn: "!", fail: "✗" };

export function summarize(
  app: DoctorReport["app"],
  baseUrl: string,
  installations: number,
  findings: Finding[],
): DoctorReport {
  const counts: Record<FindingStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const f of findings) counts[f.status] += 1;
  return { app, baseUrl, installations, findings, counts, ok: counts.fail === 0 };
}

/** Breaks text into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while (rest.length > width) {
        if (line) {
          lines.push(line);
          line = "";
        }
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

const HEADERS = ["org", "check", "status", "detail", "how to fix"] as const;

/**
 * A plain-text table with columns org, check, status, detail and how to fix. Long cells wrap inside
 * their column so the table stays readable in a terminal of `width` columns.
 */
export function renderTable(report: DoctorReport, width = 160): string {
  const rows = report.findings.map((f) => [f.org, f.check, STATUS_SYMBOL[f.status], f.detail, f.fix ?? ""]);
  const natural = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fixed = [Math.min(natural[0] ?? 0, 24), Math.min(natural[1] ?? 0, 32), HEADERS[2].length];
  const free = Math.max(40, width - fixed.reduce((a, b) => a + b, 0) - 4 * 3);
  const detail = Math.min(natural[3] ?? 0, Math.max(20, Math.ceil(free * 0.55)));
  const fix = Math.min(natural[4] ?? 0, Math.max(20, free - detail));
  const widths = [...fixed, detail, Math.max(fix, HEADERS[4].length)];
  const line = (cells: string[][]): string[] => {
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, k) =>
      cells
        .map((c, i) => (c[k] ?? "").padEnd(widths[i] ?? 0))
        .join(" │ ")
        .trimEnd(),
    );
  };
  const out = [
    ...line(HEADERS.map((h) => [h])),
    widths.map((w) => "─".repeat(w)).join("─┼─"),
    ...rows.flatMap((r) => line(r.map((cell, i) => wrap(cell, widths[i] ?? 20)))),
  ];
  const { ok, warn, fail } = report.counts;
  out.push(
    "",
    `${report.installations} installation(s) checked against ${report.baseUrl}: ${ok} ✓, ${warn} !, ${fail} ✗` +
      (report.ok ? "" : " — fix every ✗ above."),
  );
  return out.join("\n");
}
