/**
 * Command line of the doctor: `npm run doctor` in a checkout, `node lib/doctor/cli.js` in the image.
 * Reads the App's credentials the way Probot does (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, GHE_HOST).
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pino from "pino";
import { renderTable } from "./report.js";
import { DEFAULT_BASE_URL, runDoctor } from "./run.js";

export const USAGE = `Usage: doctor [--json] [--org <login>]… [--base-url <url>]

Checks every org installation of the GitHub App and prints what to fix: permissions and events
granted vs app.yml, configuration (.github/advisory-bot.yml), the tracker repository (exists, private),
roster files, the security team, and private vulnerability reporting per repository.
It only reads from GitHub.

Options:
  --json             print the report as JSON instead of a table
  --org <login>      check only this org (repeatable)
  --base-url <url>   REST API root (default ${DEFAULT_BASE_URL}, or https://$GHE_HOST/api/v3)
  -h, --help         show this help

Environment:
  APP_ID                        the GitHub App's id
  PRIVATE_KEY | PRIVATE_KEY_PATH the App's private key (PEM text, \\n-escaped PEM, base64 PEM) or a path to it
  GHE_HOST, GHE_PROTOCOL        GitHub Enterprise Server host (API at $GHE_PROTOCOL://$GHE_HOST/api/v3)
  LOG_LEVEL                     log to stderr at this level (default silent)

Exit code: 0 when nothing is ✗, 1 when something must be fixed, 2 on a usage error.`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The PEM text of a key given as PEM, as PEM with `\n` escapes (one-line env files), or as base64 PEM. */
export function normalizePrivateKey(value: string): string {
  const text = value.trim();
  if (text.includes("-----BEGIN")) return `${text.replace(/\\n/g, "\n")}\n`;
  const decoded = Buffer.from(text, "base64").toString("utf8");
  if (decoded.includes("-----BEGIN")) return decoded;
  throw new Error("the private key is not a PEM key (nor a base64-encoded one)");
}

/** REST API root from the environment, the way Probot derives it. */
export function baseUrlFromEnv(env: NodeJS.ProcessEnv): string {
  if (!env.GHE_HOST) return DEFAULT_BASE_URL;
  return `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3`;
}

/** The App's private key from PRIVATE_KEY or PRIVATE_KEY_PATH. */
export async function privateKeyFrom(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.PRIVATE_KEY) return normalizePrivateKey(env.PRIVATE_KEY);
  if (env.PRIVATE_KEY_PATH) return normalizePrivateKey(await readFile(env.PRIVATE_KEY_PATH, "utf8"));
  throw new Error("set PRIVATE_KEY or PRIVATE_KEY_PATH");
}

const parse = (args: string[]) =>
  parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      org: { type: "string", multiple: true },
      "base-url": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });

export interface AppCredentials {
  appId: string;
  privateKey: string;
}

/** The App's id and private key from the environment, the way Probot reads them; throws what is missing. */
export async function appCredentialsFrom(env: NodeJS.ProcessEnv): Promise<AppCredentials> {
  if (!env.APP_ID || !/^\d+$/.test(env.APP_ID)) throw new Error("set APP_ID to the GitHub App's numeric id");
  return { appId: env.APP_ID, privateKey: await privateKeyFrom(env) };
}

/** A command line's log: stderr at LOG_LEVEL (silent by default), the key redacted. */
export function cliLogger(env: NodeJS.ProcessEnv): pino.Logger {
  return pino({ level: env.LOG_LEVEL || "silent", redact: ["privateKey", "*.privateKey"] }, pino.destination(2));
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const { env } = io;
  let credentials: AppCredentials;
  try {
    credentials = await appCredentialsFrom(env);
  } catch (err) {
    io.stderr(`doctor: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  const { appId, privateKey } = credentials;
  const log = cliLogger(env);
  const report = await runDoctor({
    appId,
    privateKey,
    baseUrl: args.values["base-url"] ?? baseUrlFromEnv(env),
    log,
    ...(args.values.org ? { orgs: args.values.org } : {}),
  });
  io.stdout(
    args.values.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${renderTable(report, process.stdout.columns || 160)}\n`,
  );
  return report.ok ? 0 : 1;
}

/** Runs `main` when this module is the process entry (`node lib/<name>/cli.js`), with the process's IO. */
export function runIfEntry(moduleUrl: string, name: string, run: (argv: string[], io: CliIo) => Promise<number>): void {
  const entry = process.argv[1];
  if (!entry || moduleUrl !== pathToFileURL(entry).href) return;
  run(process.argv.slice(2), {
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

runIfEntry(import.meta.url, "doctor", main);
