/**
 * The app's reply to a comment with commands: one comment quoting each command with its outcome. The
 * reply also remembers, in a hidden marker, which command lines of that comment have run — so an
 * edited comment runs only the commands that are new, and a redelivered one runs nothing twice. The
 * memory lives on GitHub, not in the app.
 */
import { createHash } from "node:crypto";
import { escapeUntrusted } from "./untrusted.js";

/** The reply marker, only as the last thing of a comment the app wrote. */
const MARKER = /<!-- oras-advisory-bot:reply ([A-Za-z0-9_-]{1,1000000}) -->\s*$/;

export interface CommandOutcome {
  ok: boolean;
  /** Markdown for the reply. In a public repository it must carry no advisory content. */
  message: string;
}

export interface ReplyEntry extends CommandOutcome {
  /** The command line as written (trimmed). */
  text: string;
}

export interface ReplyMemory {
  commentId: number;
  /** Command lines already run, normalized. */
  ran: string[];
  entries: ReplyEntry[];
}

/** Longest part of a command line a reply quotes; escaping may lengthen it, and a reply must fit GitHub's limit. */
export const MAX_QUOTED_COMMAND = 300;
/** GitHub's limit for a comment body. */
const MAX_REPLY_LENGTH = 65536;

/** A command line as a reply remembers it; a long one by its digest, so the reply stays within GitHub's limit. */
export function normalizeCommand(text: string): string {
  const normal = text.trim().replace(/\s+/g, " ").toLowerCase();
  return normal.length > MAX_QUOTED_COMMAND ? `sha256:${createHash("sha256").update(normal).digest("hex")}` : normal;
}

function clip(text: string): string {
  return text.length > MAX_QUOTED_COMMAND ? `${text.slice(0, MAX_QUOTED_COMMAND)}…` : text;
}

export function renderReply(memory: ReplyMemory): string {
  // The command line is what a person typed: quoted through the one escaping function, it can form no marker.
  const entries = memory.entries.map((e) => ({ ...e, text: clip(e.text) }));
  const blocks = entries.map((e) => `> ${escapeUntrusted(e.text)}\n\n${e.ok ? "✅" : "❌"} ${e.message}`);
  const render = (remembered: ReplyEntry[]) => {
    const marker = Buffer.from(JSON.stringify({ c: memory.commentId, r: memory.ran, e: remembered }), "utf8");
    return `${blocks.join("\n\n")}\n\n<!-- oras-advisory-bot:reply ${marker.toString("base64url")} -->`;
  };
  const full = render(entries);
  if (full.length <= MAX_REPLY_LENGTH) return full;
  // Too long for GitHub (say, `help` ten times): the memory keeps each outcome's first line only.
  return render(entries.map((e) => ({ ...e, message: clip(e.message.split("\n")[0] ?? "") })));
}

/**
 * The memory a reply carries, or null when the body is not one of the app's replies. Only the marker
 * that ends the body counts; callers pass only comments the app wrote.
 */
export function parseReply(body: string | null | undefined): ReplyMemory | null {
  const at = body ? body.lastIndexOf("<!-- oras-advisory-bot:reply ") : -1;
  const match = body && at !== -1 ? MARKER.exec(body.slice(at)) : null;
  if (!match?.[1]) return null;
  try {
    const raw = JSON.parse(Buffer.from(match[1], "base64url").toString("utf8")) as {
      c?: unknown;
      r?: unknown;
      e?: unknown;
    };
    if (typeof raw.c !== "number" || !Array.isArray(raw.r)) return null;
    const entries = Array.isArray(raw.e)
      ? raw.e.filter(
          (x): x is ReplyEntry =>
            typeof x?.text === "string" && typeof x?.ok === "boolean" && typeof x?.message === "string",
        )
      : [];
    return { commentId: raw.c, ran: raw.r.filter((x): x is string => typeof x === "string"), entries };
  } catch {
    return null;
  }
}

/** Commands of a comment that have not run yet (each line runs once, however often it is edited or delivered). */
export function notYetRun<T extends { text: string }>(commands: readonly T[], ran: readonly string[]): T[] {
  const done = new Set(ran);
  return commands.filter((c) => !done.has(normalizeCommand(c.text)));
}
