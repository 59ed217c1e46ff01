import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "../../src/sim/ports.js";

export { freePort };

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
