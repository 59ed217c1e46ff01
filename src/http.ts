import type { IncomingMessage, ServerResponse } from "node:http";

/** Handler shape of Probot's `addHandler`: returns true when it answered the request. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export function sendJson(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
  return true;
}

export function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://localhost").pathname;
}

/** `GET /healthz` (the process answers) and `GET /readyz` (it is serving and not shutting down). */
export function healthRoutes(isReady: () => boolean): RouteHandler {
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = pathOf(req);
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      return isReady() ? sendJson(res, 200, { status: "ready" }) : sendJson(res, 503, { status: "shutting down" });
    }
    return false;
  };
}

/**
 * GitHub's own cap on a webhook payload ("payloads are capped at 25 MB"), taken as 25 MiB: GitHub never
 * delivers anything larger, so a larger body is not a delivery.
 */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** Decodes a whole body at once (no stream state is kept between calls), as Probot's middleware would. */
const UTF8 = new TextDecoder("utf-8", { fatal: false });

type Middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;

/**
 * Puts a size cap in front of Probot's webhook middleware, which buffers the whole body before it checks
 * the signature. A POST to the webhook path declaring more than `max` bytes is answered 413 without
 * reading its body, and one declaring at most `max` goes to the middleware as it is (Node's parser reads
 * no more than the declared length); a body sent without a length (chunked) is read up to `max` bytes
 * and, past that, answered 413 and the connection closed — nothing more is read and nothing is handled;
 * within the cap it is handed to the middleware already read.
 */
export function capWebhookBodies(
  inner: Middleware,
  path: string,
  max = MAX_WEBHOOK_BYTES,
  onRefused: (bytes: number) => void = () => {},
): Middleware {
  const webhookPath = path.replace(/\/+$/, "") || "/";
  return async (req, res, next) => {
    if (req.method !== "POST" || pathOf(req).replace(/\/+$/, "") !== webhookPath) return inner(req, res, next);
    const length = req.headers["content-length"];
    if (length !== undefined) {
      const declared = Number(length);
      if (!Number.isFinite(declared) || declared > max) return refuse(req, res, declared);
      // Node's HTTP parser hands on exactly the declared length (never more): the middleware reads it.
      return inner(req, res, next);
    }
    const body = await readCapped(req, max);
    if (body === null) return refuse(req, res, max + 1);
    (req as IncomingMessage & { body?: string }).body = UTF8.decode(body);
    return inner(req, res, next);
  };

  function refuse(req: IncomingMessage, res: ServerResponse, bytes: number): true {
    onRefused(bytes);
    req.pause();
    res.writeHead(413, { "content-type": "application/json; charset=utf-8", connection: "close" });
    // Nothing more of the body is read: the connection closes once the answer is out.
    res.end(JSON.stringify({ error: `webhook payloads are at most ${max} bytes` }), () => req.socket.destroy());
    return true;
  }
}

/** The request's body, or null once it passes `max` bytes (reading stops there). */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        stop();
        resolve(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
