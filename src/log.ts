import { getTransformStream } from "@probot/pino";
import pino, { type Logger } from "pino";

/**
 * Paths pino removes from every log line: credentials, and advisory text that is embargoed until
 * publication. The app logs GHSA ids and repositories, never content; these paths are the safety net.
 */
export const REDACT_PATHS = [
  "privateKey",
  "*.privateKey",
  "secret",
  "*.secret",
  "webhookSecret",
  "*.webhookSecret",
  "stateSecret",
  "*.stateSecret",
  "stateKey",
  "*.stateKey",
  // A Redis URL may carry its password (the app never logs it; Probot's options hold it as redisConfig).
  "redisUrl",
  "*.redisUrl",
  "redisConfig",
  "*.redisConfig",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "err.request.headers.authorization",
  "description",
  "*.description",
  "*.*.description",
  "body",
  "*.body",
  "err.request.body",
  "err.response.data",
  "err.cause.request.body",
  "err.cause.response.data",
  // Probot logs each request's parameters at debug level: the fields of an advisory being written.
  "summary",
  "*.summary",
  "severity",
  "*.severity",
  "cvss_vector_string",
  "*.cvss_vector_string",
  "vulnerabilities",
  "*.vulnerabilities",
  "cwe_ids",
  "credits",
];

export interface LogOptions {
  level?: string | undefined;
  format?: "json" | "pretty" | undefined;
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to read the output. */
  destination?: NodeJS.WritableStream;
}

/** The app's logger: Probot's formatting (LOG_FORMAT json|pretty) with redaction. */
export async function createLogger(options: LogOptions = {}): Promise<Logger> {
  const pinoOptions = {
    name: "probot",
    level: options.level ?? "info",
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  };
  const transform = await getTransformStream({ logFormat: options.format ?? "json" });
  transform.pipe((options.destination ?? pino.destination(1)) as NodeJS.WritableStream);
  return pino(pinoOptions, transform);
}

export function logOptionsFromEnv(env: NodeJS.ProcessEnv): LogOptions {
  const format = env.LOG_FORMAT
    ? env.LOG_FORMAT === "pretty"
      ? "pretty"
      : "json"
    : env.NODE_ENV === "production"
      ? "json"
      : "pretty";
  return { level: env.LOG_LEVEL || "info", format };
}
