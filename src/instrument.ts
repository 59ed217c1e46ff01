import type { Logger } from "pino";
import { CoordinationUnavailable, type DeliveryLedger } from "./coordination/index.js";

export type Outcome = "done" | "ignored" | "failed";

/** What a handler reports about one event, for the single log line that closes it. */
export interface EventReport {
  outcome: Outcome;
  /** Short, content-free explanation: `"2 writes"`, `"not a tracker repo"`. */
  detail?: string;
  writes?: number;
  /**
   * Why the delivery failed, when a handler that runs several parts to the end (`push`) reports a part's
   * exception instead of throwing it: logged as `err` like a thrown one (an `AggregateError` when several
   * parts failed), and a refusal among them is answered 503 like a thrown one.
   */
  error?: unknown;
}

export interface EventContext {
  id: string;
  name: string;
  payload: unknown;
  log: Logger;
}

interface Described {
  action?: unknown;
  installation?: { id?: unknown } | null;
  repository?: { full_name?: unknown } | null;
}

const DUPLICATE: EventReport = { outcome: "ignored", detail: "duplicate delivery" };

/** A refusal for want of coordination (the 503 GitHub may redeliver), on its own or among a handler's parts. */
function refusal(err: unknown): CoordinationUnavailable | undefined {
  if (err instanceof CoordinationUnavailable) return err;
  if (err instanceof AggregateError) {
    for (const e of err.errors) {
      const found = refusal(e);
      if (found) return found;
    }
  }
  return undefined;
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
  const { ledger, label, observe } = options;
  const suffix = label ? `:${label}` : "";
  /** The delivery's one log line, built field by field (this runs for every delivery). */
  const line = (context: C, report: EventReport, durationMs: number) => {
    const p = (context.payload ?? {}) as Described;
    return {
      event: context.name,
      delivery: context.id,
      handler: label,
      action: typeof p.action === "string" ? p.action : undefined,
      installation: typeof p.installation?.id === "number" ? p.installation.id : undefined,
      repo: typeof p.repository?.full_name === "string" ? p.repository.full_name : undefined,
      outcome: report.outcome,
      detail: report.detail,
      writes: report.writes,
      err: report.error,
      durationMs,
    };
  };
  const close = (context: C, started: number, report: EventReport): void => {
    const elapsed = now() - started;
    observe?.(context.name, report.outcome, elapsed);
    const fields = line(context, report, Math.round(elapsed));
    if (report.error !== undefined) context.log.error(fields, `${context.name} failed`);
    else context.log.info(fields, `${context.name} ${report.outcome}`);
  };
  return async (context) => {
    const started = now();
    // A delivery handled successfully before (GitHub retries, a redelivery) has nothing left to do.
    const key = `${context.id}:${context.name}${suffix}`;
    let claimed: boolean;
    try {
      claimed = ledger ? await ledger.claim(key) : true;
    } catch (err) {
      close(context, started, { outcome: "failed", error: err });
      throw err;
    }
    if (!claimed) {
      context.log.info(line(context, DUPLICATE, 0), `${context.name} ignored`);
      return;
    }
    let report: EventReport;
    try {
      report = await handler(context);
      await (report.outcome !== "failed" ? ledger?.done(key) : ledger?.release(key));
    } catch (err) {
      report = { outcome: "failed", error: err };
      await ledger?.release(key);
    }
    close(context, started, report);
    const refused = refusal(report.error);
    if (refused) throw refused;
  };
}
