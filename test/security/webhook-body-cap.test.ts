/**
 * Issue 14 item 7: webhook bodies are buffered whole before the signature is checked, so a huge body
 * grew the process by several times its size. GitHub never delivers a payload over 25 MB: a body over
 * the cap (MAX_WEBHOOK_BYTES) is refused with 413 before it is buffered — by its Content-Length without
 * reading it, and a chunked body by stopping once past the cap — and nothing is handled, even when
 * correctly signed. Real HTTP requests to the app's server in the e2e bed.
 */
import { createHmac, randomUUID } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BYTES } from "../../src/http.js";
import { BED_SECRET, type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras } from "../../src/sim/oras-world.js";
import { startWebhookReceiver } from "../helpers/sim-webhooks.js";

const MiB = 1024 * 1024;

interface Sent {
  status: number;
  /** Bytes of the body the client managed to send before the server answered or closed. */
  written: number;
}

/**
 * POSTs to the app over a plain TCP socket (no HTTP client library, which may buffer the body: nock's
 * interception does), writing the body chunk by chunk with backpressure, chunk-encoded when `chunked`.
 * Stops writing once the server has answered or closed.
 */
function post(url: string, headers: Record<string, string>, chunks: Iterable<Buffer>, chunked: boolean): Promise<Sent> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    let written = 0;
    let status = 0;
    let answer = "";
    let closed = false;
    const socket = connect(Number(port), hostname);
    socket.on("data", (data: Buffer) => {
      answer += data.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (match && status === 0) status = Number(match[1]);
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
      if (status > 0) resolve({ status, written });
      else reject(new Error(`closed without an answer after ${written} bytes`));
    });
    const write = (data: Buffer | string) =>
      socket.write(data) ? Promise.resolve() : new Promise<void>((r) => socket.once("drain", r).once("close", r));
    (async () => {
      const head = Object.entries({ ...headers, host: `${hostname}:${port}`, connection: "close" })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      await write(`POST ${pathname} HTTP/1.1\r\n${head}\r\n`);
      for (const chunk of chunks) {
        if (status > 0 || closed) return;
        await write(
          chunked
            ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
            : chunk,
        );
        written += chunk.length;
      }
      if (!closed) await write(chunked ? "0\r\n\r\n" : "");
    })().catch(() => {});
  });
}

/**
 * `post`, for a body the server refuses while it is still being sent: the server answers 413 and closes
 * with the rest unread, and a sender whose writes race that close may see the connection reset before it
 * reads the answer (the same process runs both ends here; on a loaded machine that happens). Either way
 * the body was refused; status 0 stands for the reset.
 */
function postRefused(...args: Parameters<typeof post>): Promise<Sent> {
  return post(...args).catch((err: Error) => {
    const written = Number(/after (\d+) bytes/.exec(err.message)?.[1]);
    if (!Number.isFinite(written)) throw err;
    return { status: 0, written };
  });
}

const sign = (body: Buffer) => `sha256=${createHmac("sha256", BED_SECRET).update(body).digest("hex")}`;

function deliveryHeaders(body: Buffer | null): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/test",
    "x-github-event": "issue_comment",
    "x-github-delivery": randomUUID(),
    "x-github-hook-id": "1",
    "x-hub-signature-256": body ? sign(body) : "sha256=00",
  };
}

describe("webhook bodies over GitHub's payload cap are refused before they are buffered", () => {
  let bed: Bed;
  let payload: Record<string, unknown>;
  /** Another `/advisory help`, on another issue, for a second delivery handled in full. */
  let another: Record<string, unknown>;
  let url: string;

  beforeAll(async () => {
    bed = await startBed({ seed: 141 });
    seedOras(bed.sim);
    const issue = await bed.sim.openIssue(ORG, "oras", "outsider", { title: "question" });
    await bed.sim.idle();
    // A real delivery of `/advisory help` (which anyone may run), captured before it reaches the app.
    const receiver = await startWebhookReceiver(BED_SECRET);
    bed.sim.setWebhookTarget({ url: receiver.url, secret: BED_SECRET });
    await bed.sim.comment(ORG, "oras", issue.number, "outsider", "/advisory help");
    const second = await bed.sim.openIssue(ORG, "oras", "outsider", { title: "another question" });
    await bed.sim.comment(ORG, "oras", second.number, "outsider", "/advisory help");
    await bed.sim.idle();
    url = `${bed.appUrl}/api/github/webhooks`;
    bed.sim.setWebhookTarget({ url, secret: BED_SECRET });
    await receiver.close();
    const comments = receiver.received.filter((d) => d.event === "issue_comment");
    payload = comments.at(-2)?.payload as Record<string, unknown>;
    another = comments.at(-1)?.payload as Record<string, unknown>;
    expect(payload.action).toBe("created");
    expect(another.action).toBe("created");
    expect((another.issue as { number: number }).number).toBe(second.number);
  });
  afterAll(async () => {
    await bed.close();
  });

  const replies = () => [...bed.sim.world.comments.values()].filter((c) => c.user.endsWith("[bot]")).length;

  it("a correctly signed delivery over the cap is answered 413 by its length, unread, and handled not at all", async () => {
    const padded = Buffer.from(JSON.stringify({ ...payload, padding: "x".repeat(MAX_WEBHOOK_BYTES) }));
    expect(padded.length).toBeGreaterThan(MAX_WEBHOOK_BYTES);
    bed.sim.resetRequests();
    const before = replies();
    const headers = { ...deliveryHeaders(padded), "content-length": String(padded.length) };
    const sent = await postRefused(url, headers, [padded.subarray(0, 64 * 1024), padded.subarray(64 * 1024)], false);
    await bed.sim.idle();
    expect([413, 0]).toContain(sent.status);
    expect(bed.sim.requests).toEqual([]);
    expect(replies()).toBe(before);
  });

  it("a chunked body is read only up to the cap: 413, the rest is never read, nothing is handled", async () => {
    const total = 3 * MAX_WEBHOOK_BYTES;
    const chunk = Buffer.alloc(MiB, 0x20);
    function* body() {
      yield Buffer.from(JSON.stringify(payload).slice(0, -1));
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
    }
    bed.sim.resetRequests();
    const before = replies();
    const sent = await postRefused(url, { ...deliveryHeaders(null), "transfer-encoding": "chunked" }, body(), true);
    await bed.sim.idle();
    expect([413, 0]).toContain(sent.status);
    expect(sent.written).toBeGreaterThanOrEqual(MAX_WEBHOOK_BYTES - MiB);
    expect(sent.written).toBeLessThan(total);
    expect(bed.sim.requests).toEqual([]);
    expect(replies()).toBe(before);
  });

  it("the same delivery within the cap is handled (padding and all)", async () => {
    const body = Buffer.from(JSON.stringify({ ...payload, padding: "x".repeat(MiB) }));
    bed.sim.resetRequests();
    const before = replies();
    const sent = await post(url, { ...deliveryHeaders(body), "content-length": String(body.length) }, [body], false);
    await bed.sim.idle();
    expect(sent.status).toBe(200);
    // Handled: the app read the issue's comments and answered the command.
    expect(bed.sim.requests.length).toBeGreaterThan(0);
    expect(replies()).toBe(before + 1);
  });

  it("a delivery within the cap sent chunked, without a length, is read whole and handled", async () => {
    const body = Buffer.from(JSON.stringify({ ...another, padding: "x".repeat(MiB) }));
    const chunks = [body.subarray(0, 1000), body.subarray(1000, 600_000), body.subarray(600_000)];
    bed.sim.resetRequests();
    const before = replies();
    const sent = await post(url, { ...deliveryHeaders(body), "transfer-encoding": "chunked" }, chunks, true);
    await bed.sim.idle();
    expect(sent.status).toBe(200);
    expect(bed.sim.requests.length).toBeGreaterThan(0);
    expect(replies()).toBe(before + 1);
  });
});
