import { z } from "zod";

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  DRY_RUN: flag,
  SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
  FULL_READ_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(60),
  SWEEP_TOKEN: z
    .string()
    .min(16, "SWEEP_TOKEN must be at least 16 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  METRICS: flag,
  METRICS_TOKEN: z
    .string()
    .min(16, "METRICS_TOKEN must be at least 16 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, "REDIS_URL must be a redis:// or rediss:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  STATE_SECRET: z
    .string()
    .min(16, "STATE_SECRET must be at least 16 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/** Process-wide settings of the app, read once from the environment. */
export interface Settings {
  /** Log every planned write and perform none. */
  dryRun: boolean;
  /** Minutes between in-process sweeps; 0 turns the timer off. */
  sweepIntervalMinutes: number;
  /**
   * Minutes between full reads of an org's lists (every page of its advisories and tracker issues);
   * in between, lists are read only down to what changed. 0 reads every list whole every time.
   * Default 60.
   */
  fullReadIntervalMinutes?: number;
  /** Bearer token that enables `POST /api/advisory-bot/sweep`; unset = route off. */
  sweepToken: string | undefined;
  /** Serve `GET /metrics` (METRICS=true, or a METRICS_TOKEN); off by default. */
  metrics?: boolean;
  /** Bearer token `GET /metrics` requires; unset = no token asked (METRICS=true alone). */
  metricsToken?: string | undefined;
  /**
   * Secret the tracking-state key is derived from; unset = derived from the webhook secret (every
   * Probot app has one). Changing it is a key rotation: see "Rotating the state key" in the README.
   */
  stateSecret?: string | undefined;
  /**
   * Redis shared by every replica (`REDIS_URL`, read by Probot too for its request throttling): the org
   * lock, the delivery ledger and the ETag cache live there. Unset = one process, all in memory. Never logged.
   */
  redisUrl?: string | undefined;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  return {
    dryRun: parsed.data.DRY_RUN,
    sweepIntervalMinutes: parsed.data.SWEEP_INTERVAL_MINUTES,
    fullReadIntervalMinutes: parsed.data.FULL_READ_INTERVAL_MINUTES,
    sweepToken: parsed.data.SWEEP_TOKEN,
    metrics: parsed.data.METRICS || parsed.data.METRICS_TOKEN !== undefined,
    metricsToken: parsed.data.METRICS_TOKEN,
    stateSecret: parsed.data.STATE_SECRET,
    redisUrl: parsed.data.REDIS_URL,
  };
}
