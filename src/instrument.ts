import type { Logger } from "pino";

export type Outcome = "done" | "ignored" | "failed";

/** What a handler reports about one event, for the single log line that closes it. */
export interface EventReport {
  outcome: Outcome;
  /** Short, content-free explanation: `"2 writes"`, `"not a tracker repo"`. */
  detail?: string;
  writes?: number;
}

export interface EventContext {
  id: string;
  name: string;
  payload: unknown;
  log: Logger;
}

function describe(payload: unknown): Record<string, unknown> {
  const p = (payload ?? {}) as {
    action?: unknown;
    installation?: { id?: unknown };
    repository?: { full_name?: unknown };
  };
  return {
    action: typeof p.action === "string" ? p.action : undefined,
    installation: typeof p.installation?.id === "number" ? p.installation.id : undefined,
    repo: typeof p.repository?.full_name === "string" ? p.repository.full_name : undefined,
  };
}

/**
 * Wraps an event handler so every delivery ends in exactly one structured log line with its outcome and
 * duration. A failure is logged with its context and does not escape to Probot (which would log it
 * again and answer 500 to GitHub for a delivery that redelivery would not fix).
 */
export function instrument<C extends EventContext>(
  handler: (context: C) => Promise<EventReport>,
  options: {
    now?: () => number;
    handled?: { has(id: string): boolean; add(id: string): void };
    /** Names this handler when several handle one event, so each has its own duplicate check. */
    label?: string;
    /** Told the outcome and duration of every delivery (metrics). */
    observe?: (event: string, outcome: Outcome, durationMs: number) => void;
  } = {},
): (context: C) => Promise<void> {
  const now = options.now ?? (() => performance.now());
  return async (context) => {
    const started = now();
    const base = {
      event: context.name,
      delivery: context.id,
      ...(options.label ? { handler: options.label } : {}),
      ...describe(context.payload),
    };
    // A delivery handled successfully before (GitHub retries, a redelivery) has nothing left to do.
    const key = `${context.id}:${context.name}${options.label ? `:${options.label}` : ""}`;
    if (options.handled?.has(key)) {
      context.log.info(
        { ...base, outcome: "ignored", detail: "duplicate delivery", durationMs: 0 },
        `${context.name} ignored`,
      );
      return;
    }
    try {
      const report = await handler(context);
      if (report.outcome !== "failed") options.handled?.add(key);
      options.observe?.(context.name, report.outcome, now() - started);
      context.log.info(
        {
          ...base,
          outcome: report.outcome,
          detail: report.detail,
          writes: report.writes,
          durationMs: Math.round(now() - started),
        },
        `${context.name} ${report.outcome}`,
      );
    } catch (err) {
      options.observe?.(context.name, "failed", now() - started);
      context.log.error(
        { ...base, outcome: "failed", err, durationMs: Math.round(now() - started) },
        `${context.name} failed`,
      );
    }
  };
}
