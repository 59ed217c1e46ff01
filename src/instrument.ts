import type { Logger } from "pino";
import { CoordinationUnavailable, type DeliveryLedger } from "./coordination/index.js";

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
 * again and answer 500 to GitHub for a delivery that redelivery would not fix). The one exception is
 * work refused because it could not be locked (Redis unreachable, a lease lost): that escapes with
 * status 503, which Probot answers, so GitHub shows the delivery failed and it can be redelivered.
 */
export function instrument<C extends EventContext>(
  handler: (context: C) => Promise<EventReport>,
  options: {
    now?: () => number;
    /** Deliveries handled already (in memory, or shared by replicas in Redis). */
    ledger?: DeliveryLedger;
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
    const failed = (err: unknown) => {
      options.observe?.(context.name, "failed", now() - started);
      context.log.error(
        { ...base, outcome: "failed", err, durationMs: Math.round(now() - started) },
        `${context.name} failed`,
      );
    };
    let claimed: boolean;
    try {
      claimed = options.ledger ? await options.ledger.claim(key) : true;
    } catch (err) {
      failed(err);
      throw err;
    }
    if (!claimed) {
      context.log.info(
        { ...base, outcome: "ignored", detail: "duplicate delivery", durationMs: 0 },
        `${context.name} ignored`,
      );
      return;
    }
    try {
      const report = await handler(context);
      await (report.outcome !== "failed" ? options.ledger?.done(key) : options.ledger?.release(key));
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
      await options.ledger?.release(key);
      failed(err);
      if (err instanceof CoordinationUnavailable) throw err;
    }
  };
}
