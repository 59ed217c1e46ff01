/** A loopback webhook receiver for simulator tests: records deliveries and checks their signatures. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  event: string;
  delivery: string;
  signatureValid: boolean;
  headers: Record<string, string>;
  payload: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  received: ReceivedWebhook[];
  /** status to answer with (default 202) */
  status: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret = "sim-secret"): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    secret,
    received,
    status: 202,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
      const got = headers["x-hub-signature-256"] ?? "";
      const signatureValid = got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
      received.push({
        event: headers["x-github-event"] ?? "",
        delivery: headers["x-github-delivery"] ?? "",
        signatureValid,
        headers,
        payload: JSON.parse(body) as Record<string, unknown>,
      });
      res.writeHead(signatureValid ? receiver.status : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return receiver;
}
