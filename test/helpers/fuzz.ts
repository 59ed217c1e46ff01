/**
 * Fuzzing helpers for the bad-input suite: seeded mutations of valid webhook payloads, signed
 * deliveries to the app, and fast-check arbitraries for configuration files, command comments and
 * roster files. Every generator is deterministic for a given seed, so a failure names its seed.
 */
import { createHmac, randomUUID } from "node:crypto";
import fc from "fast-check";
import { VERBS } from "../../src/domain/command-specs.js";
import type { Prng } from "../../src/sim/prng.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ------------------------------------------------------------------------------------ payloads

export interface FuzzedDelivery {
  event: string;
  payload: Json;
  /** What was done to the valid payload, for the failure message. */
  mutation: string;
}

/** Every `[path, value]` of a JSON value, depth first (the root has path []). */
function walk(value: Json, path: (string | number)[] = [], out: [(string | number)[], Json][] = []) {
  out.push([path, value]);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, [...path, i], out);
  } else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], next: Json | undefined): Json {
  if (path.length === 0) return next ?? null;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key] as Json, root);
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (next === undefined) parent.splice(key as number, 1);
    else parent[key as number] = next;
  } else if (parent !== null && typeof parent === "object") {
    if (next === undefined) delete parent[key as string];
    else parent[key as string] = next;
  }
  return root;
}

const WRONG_TYPES: Json[] = [
  null,
  0,
  -1,
  1e308,
  3.5,
  "",
  "x",
  "🦀\u0000\u202e",
  [],
  [null],
  {},
  { nested: { deeper: [1, "two", { three: null }] } },
  true,
  false,
];

const EVENTS = [
  "repository_advisory",
  "issue_comment",
  "issues",
  "release",
  "push",
  "membership",
  "repository",
  "team",
  "organization",
  "installation",
  "installation_repositories",
  "pull_request",
  "check_run",
  "ping",
  "security_advisory",
  "not_an_event",
];

const ACTIONS = ["exploded", "", "REPORTED", "created ", "published\u0000", "deleted", "transferred"];

/** About one mebibyte of text, with multi-byte characters and markup the app must not choke on. */
export function hugeString(prng: Prng, bytes = 1 << 20): string {
  // No command lines: a comment that really carries commands is answered, and that is covered elsewhere.
  const pieces = ["é", "🦀", "\u202e", "<!-- x -->", "```", "@sajay ", "GHSA-xxxx-xxxx-xxxx "];
  const piece = prng.pick(pieces);
  return piece.repeat(Math.ceil(bytes / Buffer.byteLength(piece)));
}

/**
 * One mutation of a valid payload: a field removed, a field of the wrong type, a ~1 MB string, an
 * unknown action, the payload sent as another event, or a top-level object taken away.
 */
export function mutatePayload(prng: Prng, event: string, valid: Record<string, unknown>): FuzzedDelivery {
  const payload = structuredClone(valid) as Json;
  const nodes = walk(payload).filter(([path]) => path.length > 0);
  const [path, value] = prng.pick(nodes);
  const where = path.join(".");
  switch (prng.int(7)) {
    case 0:
      return { event, payload: setAt(payload, path, undefined), mutation: `removed ${where}` };
    case 1: {
      const next = prng.pick(WRONG_TYPES.filter((w) => typeof w !== typeof value || Array.isArray(w)));
      return { event, payload: setAt(payload, path, next), mutation: `${where} = ${JSON.stringify(next)}` };
    }
    case 2: {
      const strings = nodes.filter(([, v]) => typeof v === "string");
      const [at] = strings.length > 0 ? prng.pick(strings) : [path];
      return { event, payload: setAt(payload, at, hugeString(prng)), mutation: `${at.join(".")} = ~1 MB string` };
    }
    case 3: {
      const action = prng.pick(ACTIONS);
      return { event, payload: setAt(payload, ["action"], action), mutation: `action = ${JSON.stringify(action)}` };
    }
    case 4: {
      const other = prng.pick(EVENTS);
      return { event: other, payload, mutation: `sent as ${other}` };
    }
    case 5: {
      const top = prng.pick(["repository", "organization", "installation", "sender", "comment", "issue", "release"]);
      return { event, payload: setAt(payload, [top], undefined), mutation: `removed ${top}` };
    }
    default: {
      // Several changes at once.
      let out = payload;
      const done: string[] = [];
      for (let i = 0; i < 4; i++) {
        const [p] = prng.pick(walk(out).filter(([q]) => q.length > 0));
        const next = prng.pick(WRONG_TYPES);
        out = setAt(out, p, next);
        done.push(`${p.join(".")} = ${JSON.stringify(next)}`);
      }
      return { event, payload: out, mutation: done.join(", ") };
    }
  }
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** POSTs a webhook to the app the way GitHub does; `signature` overrides the correct one. */
export async function postWebhook(
  url: string,
  secret: string,
  event: string,
  body: string,
  options: { id?: string; signature?: string | null; contentType?: string } = {},
): Promise<number> {
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "user-agent": "GitHub-Hookshot/fuzz",
    "x-github-event": event,
    "x-github-delivery": options.id ?? randomUUID(),
    "x-github-hook-id": "1",
  };
  const signature = options.signature === undefined ? sign(secret, body) : options.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  const res = await fetch(url, { method: "POST", headers, body });
  await res.arrayBuffer();
  return res.status;
}

// ------------------------------------------------------------------------------------ configs

const CONFIG_KEYS = [
  "securityTeam",
  "team",
  "members",
  "enforce",
  "tracker",
  "repo",
  "maintainers",
  "files",
  "inactive",
  "intake",
  "acceptReports",
  "privateFork",
  "ackWithin",
  "patchTeam",
  "removeUnlisted",
  "publish",
  "prereleases",
  "waitFor",
  "together",
  "annotateRelease",
  "packages",
  "ecosystem",
  "name",
  "_extends",
];

const yamlScalar = fc.oneof(
  fc.constantFrom("true", "false", "yes", "no", "null", "~", "0", "-3", "1e9", "all", "any", "[]", "{}", "''"),
  fc.constantFrom("@alice", "[alice, bob]", "security-response", ".github", "other:.github", "&a", "*a", "!!binary x"),
  fc.string({ maxLength: 20 }),
  fc.integer().map(String),
);

const yamlLine = fc.oneof(
  fc.tuple(fc.nat(6), fc.constantFrom(...CONFIG_KEYS), yamlScalar).map(([d, k, v]) => `${" ".repeat(d)}${k}: ${v}`),
  fc.tuple(fc.nat(6), fc.constantFrom(...CONFIG_KEYS)).map(([d, k]) => `${" ".repeat(d)}${k}:`),
  fc.tuple(fc.nat(6), yamlScalar).map(([d, v]) => `${" ".repeat(d)}- ${v}`),
  fc.constantFrom("---", "...", "# comment", "\t", "? complex", "key: [unclosed", "a: b: c", "%YAML 1.2", '"'),
  fc.string({ maxLength: 40, unit: "grapheme" }),
);

/** Text that looks like `.github/advisory-bot.yml`, often almost right, sometimes nonsense. */
export const yamlishConfig = fc.array(yamlLine, { maxLength: 25 }).map((lines) => lines.join("\n"));

/** Any JSON value with a bias towards the configuration's own keys. */
export const jsonConfig: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom(...CONFIG_KEYS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }),
  fc.record(
    {
      securityTeam: fc.dictionary(fc.constantFrom("team", "members", "enforce"), fc.jsonValue({ maxDepth: 2 })),
      tracker: fc.dictionary(fc.constantFrom("repo"), fc.jsonValue({ maxDepth: 1 })),
      publish: fc.dictionary(fc.constantFrom("waitFor", "together", "prereleases"), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  ),
);

// ------------------------------------------------------------------------------------ commands

const commandLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...VERBS, "publsh", "", "ADD", "fixed-in"),
      fc.array(fc.string({ maxLength: 30 }), { maxLength: 6 }),
    )
    .map(([verb, args]) => `/advisory ${verb} ${args.join(" ")}`),
  fc.string({ maxLength: 30, unit: "grapheme" }).map((s) => `/advisory${s}`),
  fc.constantFrom("```", "> /advisory publish", "<!--", "-->", "`/advisory hold`", "\r", "\u2028", "/ADVISORY HELP"),
  fc.string({ maxLength: 200, unit: "grapheme" }),
  fc.string({ maxLength: 50, unit: "binary" }),
);

/** A comment body: command lines, code fences, quotes and random unicode. */
export const commandComment = fc.array(commandLine, { minLength: 1, maxLength: 30 }).map((lines) => lines.join("\n"));

/** Comments at the limits: 64 KiB of one line, thousands of lines, thousands of commands. */
export function extremeComments(): { name: string; body: string }[] {
  return [
    { name: "64 KiB on one line", body: `/advisory severity ${"a".repeat(64 * 1024)}` },
    { name: "a little over 64 KiB", body: `${"/advisory help\n".repeat(4400)}/advisory publish` },
    { name: "5,000 empty lines", body: "\n".repeat(5000) },
    { name: "3,000 commands", body: "/advisory fixed-in 1.2.3\n".repeat(3000) },
    { name: "3,000 lines of unicode", body: "🦀 é \u202e /advisory\n".repeat(3000) },
    { name: "an unclosed code fence", body: `\`\`\`\n${"/advisory publish\n".repeat(2000)}` },
    { name: "nested quotes", body: `${">".repeat(5000)} /advisory publish` },
    { name: "NUL and CR", body: "/advisory help\u0000\r/advisory publish\r\n\u0000" },
  ];
}

// ------------------------------------------------------------------------------------ rosters

const handle = fc.oneof(
  fc.constantFrom("@qweeah", "@shizhMSFT", "@org/team", "@-bad", "@a--b", "@x".repeat(30), "@", "@@", "@é"),
  fc.stringMatching(/^@[A-Za-z0-9-]{1,39}$/),
);

const rosterLine = fc.oneof(
  fc.constantFrom("# Owners", "Owners:", "Maintainers:", "Emeritus:", "## Emeritus", "---", "teams:", "* ", ""),
  fc.tuple(fc.string({ maxLength: 20 }), handle).map(([name, h]) => `  - ${name} (${h})`),
  fc.array(handle, { maxLength: 5 }).map((hs) => `* ${hs.join(" ")}`),
  fc.tuple(fc.string({ maxLength: 15 }), handle).map(([p, h]) => `${p} ${h}`),
  fc.tuple(fc.string({ maxLength: 10 }), handle).map(([n, h]) => `"${n}","${h}","maintainer"`),
  fc.string({ maxLength: 80, unit: "grapheme" }),
);

export const rosterText = fc.oneof(
  fc.array(rosterLine, { maxLength: 40 }).map((l) => l.join("\n")),
  fc.string({ maxLength: 2000, unit: "grapheme" }),
);

export const rosterPath = fc.constantFrom(
  "OWNERS.md",
  "MAINTAINERS.md",
  "CODEOWNERS",
  ".github/CODEOWNERS",
  "docs/CODEOWNERS",
  "MAINTAINERS.csv",
  "OWNERS.yaml",
  "maintainers.yml",
  "OWNERS",
);
