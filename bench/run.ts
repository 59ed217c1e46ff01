/**
 * `npm run bench` (`tsx bench/run.ts`): API economy per scenario against its floor, webhook latency and
 * throughput beside a bare Probot app, the idle sweep at 10 / 100 / 1,000 repositories, and memory over
 * 10,000 deliveries, throughput with one and two replicas (two only with `REDIS_URL`), and the parsers of
 * untrusted text on 1 MB adversarial inputs. Prints tables and writes `bench/results.json`. Everything runs on loopback against
 * the embedded GitHub simulator. Not part of `npm test`: nothing here asserts a time.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runEconomy, type ScenarioResult } from "./economy.js";
import { GITHUB_TIMEOUT_MS, type LatencyRow, NOOP_TARGET, runLatency } from "./latency.js";
import { round, table } from "./lib.js";
import { type MemoryResult, runMemory } from "./memory.js";
import { PARSER_TARGET_MS, type ParserRow, RUNS } from "./parsers.js";
import { type ReplicaRow, runReplicas } from "./replicas.js";
import { runScale, type ScalePoint } from "./scale.js";

const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);
const mark = (pass: boolean) => (pass ? "PASS" : "MISS");

/**
 * The parser section, run first and in a process of its own started the way this one was (`tsx`'s
 * loader comes with `execArgv`). After the other sections this process holds simulated orgs of up to
 * 10,000 advisories: in the same process the parsers' allocations paid for marking that heap, and beside
 * it V8's concurrent marking of it took the second core.
 */
async function parsersApart(): Promise<ParserRow[]> {
  const child = spawn(process.execPath, [...process.execArgv, join(here, "parsers.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`the parser section exited with ${code}`);
  return JSON.parse(out) as ParserRow[];
}

function economyTable(results: ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.name,
    r.cost.total,
    `${r.cost.restReads}/${r.cost.graphqlReads}`,
    `${r.cost.restWrites}/${r.cost.graphqlWrites}`,
    r.cost.notModified,
    r.cost.tokens,
    r.echo ? r.echo.total : "-",
    r.floor.reads + r.floor.writes,
    `${r.floor.reads}/${r.floor.writes}`,
    r.ratio.toFixed(2),
    r.targets.map((t) => `${mark(t.pass)} ${t.name}${t.name.startsWith("ratio") ? "" : ` (${t.detail})`}`).join("; "),
  ]);
  return table(
    [
      "scenario",
      "requests",
      "reads REST/GQL",
      "writes REST/GQL",
      "304",
      "tokens",
      "of which echo",
      "floor",
      "floor r/w",
      "ratio",
      "targets",
    ],
    rows,
  );
}

function latencyTable(rows: LatencyRow[]): string {
  return table(
    [
      "event",
      "c",
      "n",
      "app p50 ms",
      "app p99 ms",
      "app /s",
      "bare p50 ms",
      "bare p99 ms",
      "bare /s",
      "overhead (median of rounds)",
      "overhead /s",
      "no-op p50 ms",
      "vs no-op",
      "target (vs no-op)",
      "p99 vs 10 s",
    ],
    rows.map((r) => [
      r.event,
      r.concurrency,
      r.app.deliveries,
      r.app.p50.toFixed(2),
      r.app.p99.toFixed(1),
      Math.round(r.app.perSecond),
      r.bare.p50.toFixed(2),
      r.bare.p99.toFixed(1),
      Math.round(r.bare.perSecond),
      `${r.overhead.toFixed(2)}×`,
      `${(r.bare.perSecond / r.app.perSecond).toFixed(2)}×`,
      r.noop ? r.noop.p50.toFixed(2) : "-",
      r.noopOverhead !== undefined ? `${r.noopOverhead.toFixed(2)}×` : "-",
      r.ignored && r.noopOverhead !== undefined ? `${mark(r.noopOverhead <= NOOP_TARGET)} ≤ ${NOOP_TARGET}` : "-",
      `${((r.app.p99 / GITHUB_TIMEOUT_MS) * 100).toFixed(2)} %${r.app.failures > 0 ? ` (${r.app.failures} failed)` : ""}`,
    ]),
  );
}

function scaleTable(points: ScalePoint[]): string {
  return table(
    [
      "repos",
      "per repo",
      "advisories",
      "requests",
      "GraphQL",
      "REST reads",
      "writes",
      "floor",
      "requests/repo",
      "idle sweep ms",
      "ms/repo",
      "staffing sweep ms",
    ],
    points.map((p) => [
      p.repos,
      p.perRepo,
      p.advisories,
      p.cost.total,
      p.cost.graphqlReads,
      p.cost.restReads,
      p.cost.writes,
      p.floor,
      p.requestsPerRepo.toFixed(3),
      Math.round(p.sweepMs),
      p.msPerRepo.toFixed(2),
      Math.round(p.staffingMs),
    ]),
  );
}

function growth(points: ScalePoint[]): string[] {
  const lines: string[] = [];
  for (let i = 1; i < points.length; i++) {
    const b = points[i] as ScalePoint;
    // Compare with the previous point that differs in one dimension only.
    const a = points
      .slice(0, i)
      .reverse()
      .find((p) => p.perRepo === b.perRepo || p.repos === b.repos);
    if (!a) continue;
    const requests = b.cost.total / a.cost.total;
    const time = `sweep time ×${(b.sweepMs / a.sweepMs).toFixed(2)}`;
    if (a.perRepo === b.perRepo) {
      const repos = b.repos / a.repos;
      lines.push(
        `${a.repos} → ${b.repos} repos (×${repos}): requests ×${requests.toFixed(2)}, ${time} — ` +
          `requests ${requests < repos ? "sub-linear" : "NOT sub-linear"} in repos`,
      );
    } else {
      const advisories = b.advisories / a.advisories;
      lines.push(
        `${a.advisories} → ${b.advisories} advisories in ${b.repos} repos (×${advisories}): requests ×${requests.toFixed(2)}, ${time} — ` +
          `requests ${b.cost.total <= a.cost.total ? "flat" : "NOT flat"} in advisories`,
      );
    }
  }
  return lines;
}

function parserTable(rows: ParserRow[]): string {
  return table(
    ["parser", "timed", "shapes", "worst ms", "median ms", "worst shape", "target"],
    rows.map((r) => [
      r.parser,
      r.entry,
      r.shapes,
      r.worstMs.toFixed(1),
      r.typicalMs.toFixed(1),
      r.worstShape,
      `${mark(r.pass)} ≤ ${PARSER_TARGET_MS} ms`,
    ]),
  );
}

function memoryTable(m: MemoryResult): string {
  return table(
    ["deliveries", "RSS before MB", "RSS after MB", "RSS Δ MB", "heap before MB", "heap after MB", "heap Δ MB", "/s"],
    [
      [
        m.deliveries,
        m.rssBeforeMb,
        m.rssAfterMb,
        m.rssDeltaMb,
        m.heapBeforeMb,
        m.heapAfterMb,
        m.heapDeltaMb,
        Math.round(m.perSecond),
      ],
    ],
  );
}

function replicasTable(rows: ReplicaRow[]): string {
  const base = new Map(rows.filter((r) => r.replicas === 1 && r.setup === "Redis").map((r) => [r.event, r.perSecond]));
  return table(
    ["event", "store", "replicas", "n", "c", "deliveries/s", "vs one Redis replica", "failed"],
    rows.map((r) => [
      r.event,
      r.setup,
      r.replicas,
      r.deliveries,
      r.concurrency,
      Math.round(r.perSecond),
      base.has(r.event) ? `${(r.perSecond / (base.get(r.event) ?? 1)).toFixed(2)}×` : "-",
      r.failures,
    ]),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? "unknown",
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const date = new Date().toISOString();
  log(`bench: ${date}, ${machine.cpus} cores (${machine.model}), node ${machine.node}`);

  // The parsers first, in a process of their own, while this one holds nothing yet (see `parsersApart`).
  log("6/6 parsers of untrusted text (run first)");
  const load = loadavg()[0] ?? 0;
  const parsers = await parsersApart();
  log("1/6 API economy");
  const economy = await runEconomy(log);
  log("2/6 webhook latency and throughput");
  const latency = await runLatency(log);
  log("3/6 memory");
  const memory = await runMemory();
  log("4/6 scale");
  const scale = await runScale(log);
  log("5/6 replicas");
  const replicas = await runReplicas(log, process.env.REDIS_URL || undefined);
  const durationMs = performance.now() - started;

  const misses = [
    ...economy.flatMap((r) => r.targets.filter((t) => !t.pass).map((t) => `${r.name}: ${t.name} — ${t.detail}`)),
    ...latency.rows
      .filter((r) => r.ignored && (r.noopOverhead === undefined || r.noopOverhead > NOOP_TARGET))
      .map(
        (r) =>
          `${r.event} c=${r.concurrency}: ${r.noopOverhead === undefined ? "no no-op measurement" : `${r.noopOverhead.toFixed(2)}× the no-op app > ${NOOP_TARGET}`}`,
      ),
    ...latency.rows
      .filter((r) => r.app.p99 >= GITHUB_TIMEOUT_MS || r.app.failures > 0)
      .map((r) => `${r.event} c=${r.concurrency}: p99 ${Math.round(r.app.p99)} ms, ${r.app.failures} failed`),
    ...replicas
      .filter((r) => r.failures > 0)
      .map((r) => `replicas: ${r.event} ${r.setup} ×${r.replicas}: ${r.failures} failed`),
    ...scale.flatMap((b, i) => {
      const a = scale
        .slice(0, i)
        .reverse()
        .find((p) => p.repos === b.repos && p.perRepo !== b.perRepo);
      return a && b.cost.total > a.cost.total
        ? [
            `scale: ${b.advisories} advisories cost ${b.cost.total} requests per idle sweep, ${a.advisories} cost ${a.cost.total}`,
          ]
        : [];
    }),
    ...parsers
      .filter((r) => !r.pass)
      .map((r) => `${r.parser}: ${r.worstMs.toFixed(0)} ms > ${PARSER_TARGET_MS} ms on ${r.worstShape}`),
  ];

  const out: string[] = [];
  out.push(`oras-advisory-bot bench — ${date} — ${machine.cpus} cores, ${machine.model}, node ${machine.node}`);
  out.push("");
  out.push("## 1. API economy (requests exclude installation-token requests; 'of which echo' = spent on webhooks");
  out.push("##    GitHub sends back for the app's own writes)");
  out.push("");
  out.push(economyTable(economy));
  out.push("");
  for (const r of economy) out.push(`floor of ${r.name}: ${r.floor.why}`);
  out.push("");
  out.push(
    `## 2. Webhook latency and throughput (loopback, ${latency.commands ? "commands included" : "no comment handler"}; bare = Probot Server loading () => {}, for reference; no-op = Probot with empty handlers for the app's events, the target's reference)`,
  );
  out.push("");
  out.push(latencyTable(latency.rows));
  out.push("");
  out.push("## 3. Memory (RSS of the whole process: app + Probot + simulator, after GC)");
  out.push("");
  out.push(memoryTable(memory));
  out.push(
    `mix: ${Object.entries(memory.mix)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}; gc: ${memory.gc}`,
  );
  out.push("");
  out.push("## 4. Scale: idle sweep by repositories (2 open advisories each) and by advisories (100 repositories)");
  out.push("");
  out.push(scaleTable(scale));
  out.push(...growth(scale));
  out.push("");
  out.push("## 5. Replicas: deliveries spread round-robin; both replicas share this process's cores");
  out.push("");
  out.push(replicasTable(replicas));
  out.push("");
  out.push(
    `## 6. Parsers of untrusted text: 1 MB adversarial inputs, median of ${RUNS} runs after a warm-up run, worst shape (load average ${load.toFixed(1)} on ${machine.cpus} cores)`,
  );
  out.push("");
  out.push(parserTable(parsers));
  out.push("");
  out.push(misses.length === 0 ? "All targets met." : `MISSES (${misses.length}):`);
  out.push(...misses.map((m) => `- ${m}`));
  out.push("");
  out.push(`bench took ${Math.round(durationMs / 1000)} s`);
  process.stdout.write(`${out.join("\n")}\n`);

  const file = join(here, "results.json");
  writeFileSync(
    file,
    `${JSON.stringify({ date, machine, durationMs: Math.round(durationMs), economy, latency, memory, scale, replicas, parsers, misses }, null, 2)}\n`,
  );
  log(`wrote ${file}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
