/**
 * The leak scanner of the end-to-end bed: nothing the app writes to a public repository may carry the
 * GHSA id, summary or severity of an advisory that was not yet published when it was written — in its
 * visible text or inside the app's hidden markers, which anyone can read in the page source.
 */
import type { Simulator } from "./index.js";

const REPO_PATH = /^\/repos\/([^/]+)\/([^/]+)\//;
/** The app's hidden markers (`<!-- oras-advisory-bot:reply … -->`, `:state`, `:notice`) carry base64url JSON. */
const MARKER = /oras-advisory-bot:[a-z-]+\s+([A-Za-z0-9_-]{4,})/g;

/** The text of a request body with every hidden marker decoded next to it: what a reader of the page source sees. */
export function readableText(body: unknown): string {
  const text = JSON.stringify(body);
  const decoded: string[] = [];
  for (const match of text.matchAll(MARKER)) {
    const payload = match[1];
    if (!payload) continue;
    const plain = Buffer.from(payload, "base64url").toString("utf8");
    decoded.push(plain);
    // JSON inside JSON: its strings are escaped once more; scan them unescaped too.
    try {
      decoded.push(JSON.stringify(JSON.parse(plain)));
    } catch {
      // not JSON: the plain text is enough
    }
  }
  return [text, ...decoded].join("\n");
}

export function findLeaks(sim: Simulator): string[] {
  const leaks: string[] = [];
  const advisories = sim.world.listAdvisories();
  // The request that published each advisory (null: not published by the app in this window).
  const publishedAt = new Map<string, number | null>();
  for (const a of advisories) {
    const publish = sim.requests.find(
      (r) =>
        r.method === "PATCH" &&
        r.path.endsWith(`/security-advisories/${a.ghsa_id}`) &&
        (r.body as { state?: string })?.state === "published",
    );
    publishedAt.set(a.ghsa_id, publish ? publish.seq : a.state === "published" ? -1 : null);
  }
  // A summary an already-published advisory carries (a sibling's, say) is public text.
  const publicAlready = (summary: string, seq: number) =>
    advisories.some((b) => {
      const at = publishedAt.get(b.ghsa_id);
      return b.summary === summary && at !== null && at !== undefined && at < seq;
    });
  for (const request of sim.requests) {
    if (request.method === "GET" || request.body === undefined) continue;
    const match = REPO_PATH.exec(request.path);
    if (!match?.[1] || !match[2]) continue;
    const repo = sim.world.repos.get(`${match[1]}/${match[2]}`.toLowerCase());
    if (!repo || repo.private) continue;
    if (request.path.includes("/security-advisories")) continue; // the advisory itself is private until published
    const text = readableText(request.body);
    for (const a of advisories) {
      const at = publishedAt.get(a.ghsa_id);
      if (at !== null && at !== undefined && at < request.seq) continue;
      const found = [
        text.toLowerCase().includes(a.ghsa_id.toLowerCase()) ? "GHSA id" : null,
        a.summary.length >= 8 && text.includes(a.summary) && !publicAlready(a.summary, request.seq) ? "summary" : null,
        // "severity: high", not the command table's "severity <low|medium|high|critical>"
        a.severity && new RegExp(`severity\\W{0,3}${a.severity}\\b(?!\\|)`, "i").test(text) ? "severity" : null,
      ].filter(Boolean);
      if (found.length > 0)
        leaks.push(`${request.method} ${request.path} carries the ${found.join(", ")} of unpublished ${a.ghsa_id}`);
    }
  }
  return leaks;
}
