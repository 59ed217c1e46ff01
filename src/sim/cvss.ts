/** CVSS 3.0/3.1 base score, enough for the simulator to derive an advisory's severity from a vector. */
const WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};

function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

/** The base score of a CVSS 3.x vector, or null when the vector is not valid. */
export function cvssScore(vector: string): number | null {
  const parts = vector.split("/");
  if (parts[0] !== "CVSS:3.1" && parts[0] !== "CVSS:3.0") return null;
  const m = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const [k, v] = p.split(":");
    if (!k || !v || m.has(k)) return null;
    m.set(k, v);
  }
  for (const k of ["AV", "AC", "PR", "UI", "S", "C", "I", "A"]) if (!m.has(k)) return null;
  const scope = m.get("S");
  if (scope !== "U" && scope !== "C") return null;
  const pr = m.get("PR");
  const prWeight =
    pr === "N" ? 0.85 : pr === "L" ? (scope === "C" ? 0.68 : 0.62) : pr === "H" ? (scope === "C" ? 0.5 : 0.27) : null;
  const w = (k: string) => WEIGHTS[k]?.[m.get(k) ?? ""];
  const [av, ac, ui, c, i, a] = ["AV", "AC", "UI", "C", "I", "A"].map(w);
  if (prWeight === null || av === undefined || ac === undefined || ui === undefined) return null;
  if (c === undefined || i === undefined || a === undefined) return null;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === "U" ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av * ac * prWeight * ui;
  if (impact <= 0) return 0;
  return scope === "U"
    ? roundUp(Math.min(impact + exploitability, 10))
    : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

export function severityFromScore(score: number): "critical" | "high" | "medium" | "low" {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  return "low";
}
