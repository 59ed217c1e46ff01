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
