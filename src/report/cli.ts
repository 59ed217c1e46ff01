/**
 * Command line of the report: `npm run report -- --org <login>` in a checkout, `node lib/report/cli.js`
 * in the image. Reads the App's credentials the way the doctor does (APP_ID, PRIVATE_KEY or
 * PRIVATE_KEY_PATH, GHE_HOST). Read-only.
 */
import { parseArgs } from "node:util";
import {
  type AppCredentials,
  appCredentialsFrom,
  baseUrlFromEnv,
  type CliIo,
  cliLogger,
  runIfEntry,
} from "../doctor/cli.js";
import { formatReport, type ReportFormat, runReport } from "./run.js";

export const USAGE = `Usage: report --org <login> [--since YYYY-MM-DD] [--format csv|json|md] [--base-url <url>]

Response times of the org's repository security advisories: one row per advisory with its timeline
(reported, first response, accepted, staffed, fixing release, published) and the working days each step
took, plus the org's medians over the last 90 days next to the policy's expectations.
It only reads from GitHub. The output names advisories, unpublished ones included: keep it private.

Options:
  --org <login>      the org (required)
  --since <date>     only advisories reported on or after this date (ISO 8601)
  --format <f>       csv (default), json or md
  --base-url <url>   REST API root (default https://api.github.com, or https://$GHE_HOST/api/v3)
  -h, --help         show this help

Environment: APP_ID, PRIVATE_KEY | PRIVATE_KEY_PATH, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL (as for doctor).

Exit code: 0 on success, 1 when GitHub could not be read, 2 on a usage error.`;

const FORMATS: readonly ReportFormat[] = ["csv", "json", "md"];

const parse = (args: string[]) =>
  parseArgs({
    args,
    options: {
      org: { type: "string" },
      since: { type: "string" },
      format: { type: "string", default: "csv" },
      "base-url": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  let since: Date | undefined;
  let format: ReportFormat;
  try {
    args = parse(argv);
    if (args.values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (!args.values.org) throw new Error("--org is required");
    const wanted = args.values.format ?? "csv";
    if (!FORMATS.includes(wanted as ReportFormat)) throw new Error(`--format must be one of ${FORMATS.join(", ")}`);
    format = wanted as ReportFormat;
    if (args.values.since !== undefined) {
      since = new Date(args.values.since);
      if (Number.isNaN(since.getTime())) throw new Error("--since must be a date such as 2026-01-01");
    }
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  const { env } = io;
  let credentials: AppCredentials;
  try {
    credentials = await appCredentialsFrom(env);
  } catch (err) {
    io.stderr(`report: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  const log = cliLogger(env);
  try {
    const report = await runReport({
      ...credentials,
      baseUrl: args.values["base-url"] ?? baseUrlFromEnv(env),
      org: args.values.org,
      log,
      // The tracking states are signed: the report verifies them with the app's key.
      stateSecret: env.STATE_SECRET || env.WEBHOOK_SECRET || "",
      ...(since ? { since } : {}),
    });
    io.stdout(formatReport(report, format));
    return 0;
  } catch (err) {
    const status = (err as { status?: number }).status;
    io.stderr(`report: ${status ? `${status} ` : ""}${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

runIfEntry(import.meta.url, "report", main);
