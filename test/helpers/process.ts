import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../src/sim/ports.js";

export { freePort };

/** What the build reads: the sources `tsconfig.build.json` compiles (not `src/sim`), its configs and the lockfile. */
function sourcesDigest(): string {
  const hash = createHash("sha256");
  const files = readdirSync("src", { recursive: true, encoding: "utf8" })
    .map((f) => join("src", f))
    .filter((f) => !f.startsWith(join("src", "sim")) && statSync(f).isFile())
    .sort();
  for (const file of ["tsconfig.json", "tsconfig.build.json", "package-lock.json", ...files]) {
    hash.update(`${file}\0`).update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * `npm run build` (`tsc -p tsconfig.build.json` into `lib/`), once for given sources: the test files
 * that run the built app build under one lock, and a file finding `lib/` built from the same sources
 * (by another test file of the run, or an earlier run, and not rebuilt since) uses it as it is. So no
 * file rewrites `lib/` while another one's process is loading it.
 */
export async function buildOnce(): Promise<void> {
  const stamp = join(
    tmpdir(),
    `oras-advisory-bot-build-${createHash("sha256").update(process.cwd()).digest("hex").slice(0, 16)}`,
  );
  const lock = `${stamp}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock left by a test run that was killed mid-build.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const sources = sourcesDigest();
    const built = existsSync(stamp)
      ? (JSON.parse(readFileSync(stamp, "utf8")) as { sources: string; mtimeMs: number })
      : null;
    const main = statSync("lib/main.js", { throwIfNoEntry: false });
    if (built && main && built.sources === sources && built.mtimeMs === main.mtimeMs) return;
    await promisify(execFile)(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"]);
    writeFileSync(stamp, JSON.stringify({ sources, mtimeMs: statSync("lib/main.js").mtimeMs }));
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Waits until `check` holds (polling every 100 ms); throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `src/main.ts` as its own process and waits until it says it is listening. */
export function startMain(env: Record<string, string>, timeoutMs = 15_000): Promise<Started> {
  return startNode(["--import", "tsx", "src/main.ts"], env, timeoutMs);
}

/** Starts the built app, `node lib/main.js` as `npm start` does, and waits until it says it is listening. */
export function startBuilt(env: Record<string, string>, timeoutMs = 30_000): Promise<Started> {
  return startNode(["lib/main.js"], env, timeoutMs);
}

async function startNode(args: string[], env: Record<string, string>, timeoutMs: number): Promise<Started> {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!out.includes("Listening on")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`app did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => out, exited };
}
