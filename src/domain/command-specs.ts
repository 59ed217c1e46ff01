/**
 * The command registry's metadata: every `/advisory` verb with its usage, where it may be used, who
 * may use it, examples, and the zod schema that turns its argument tokens into typed arguments.
 * Handlers live elsewhere; the parser (`command-grammar.ts`), `/advisory help` and `docs/commands.md`
 * are all generated from this one table.
 */
import { z } from "zod";

export const COMMAND_PREFIX = "/advisory";

/** Every verb, in the order of the help table. */
export const VERBS = [
  "help",
  "status",
  "accept",
  "reject",
  "fork",
  "sync",
  "add",
  "remove",
  "severity",
  "cvss",
  "fixed-in",
  "cve",
  "credit",
  "hold",
  "unhold",
  "watch",
  "publish",
  "create",
  "also-affects",
  "convert",
] as const;
export type Verb = (typeof VERBS)[number];

/** Where a command may be used: the tracking issue in the tracker repo, a public issue, a pull request. */
export type Where = "tracker-issue" | "public-issue" | "pull-request" | "any";
/** Who may run a command; checked by the handlers with the API, never from the payload. */
export type Who = "anyone" | "patch-team" | "security-team" | "repo-maintainer";

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Credit types accepted by GitHub's security advisory API. */
export const CREDIT_TYPES = [
  "analyst",
  "finder",
  "reporter",
  "coordinator",
  "remediation_developer",
  "remediation_reviewer",
  "remediation_verifier",
  "tool",
  "sponsor",
  "other",
] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

import { PACKAGE_ECOSYSTEMS, type PackageEcosystem } from "./ecosystems.js";
import { MAX_WATCH_PHRASE, MIN_WATCH_PHRASE } from "./embargo-watch.js";

export { PACKAGE_ECOSYSTEMS, type PackageEcosystem };

/** At most this many commands are read from one comment, unless the parser is told otherwise. */
export const DEFAULT_MAX_COMMANDS = 10;
/** Longest comment read; GitHub's own limit for a comment body. */
export const MAX_COMMENT_LENGTH = 65536;
/** Lines of a comment read for commands (the rest is not parsed; a command there is reported). */
export const MAX_COMMAND_LINES = 100;
/** Characters of a comment read for commands, at most. */
export const MAX_COMMAND_CHARS = 8_192;
/** At most this many versions in one `fixed-in`. */
export const MAX_FIXED_VERSIONS = 20;
/** Longest free-text reason accepted by `reject` and `hold`. */
export const MAX_REASON_LENGTH = 1000;

// ---------------------------------------------------------------------------------------------
// Argument types, one per verb

export type NoArgs = Record<string, never>;
export interface ReasonArgs {
  /** Free text, tokens joined by single spaces; absent when none was given. */
  reason?: string;
}
export interface RejectArgs extends ReasonArgs {
  /** `--all`: reject every sibling advisory of the tracking issue too. */
  all: boolean;
}
export interface UserArgs {
  /** GitHub login, without the leading `@`. */
  user: string;
}
export interface SeverityArgs {
  severity: Severity;
}
export interface CvssArgs {
  /** The vector exactly as given, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`. */
  vector: string;
}
export interface FixedInArgs {
  /** Semver versions without a leading `v`, in the order given, duplicates removed. */
  versions: string[];
}
export interface CreditArgs extends UserArgs {
  type: CreditType;
}
export interface RepoArgs {
  /** Repository name. */
  repo: string;
  /** Owner, when written as `owner/repo`; handlers accept only the installation's own org. */
  owner?: string;
}
export interface WatchArgs {
  /** The phrase, words joined by single spaces. */
  phrase: string;
}
export interface CreateArgs extends RepoArgs {
  severity?: Severity;
}
export interface PackageArg {
  /** Absent when the package was given as a bare name. */
  ecosystem?: PackageEcosystem;
  name: string;
}
export interface AlsoAffectsArgs extends RepoArgs {
  package?: PackageArg;
}

export interface CommandArgsByVerb {
  help: NoArgs;
  status: NoArgs;
  accept: NoArgs;
  reject: RejectArgs;
  fork: NoArgs;
  sync: NoArgs;
  add: UserArgs;
  remove: UserArgs;
  severity: SeverityArgs;
  cvss: CvssArgs;
  "fixed-in": FixedInArgs;
  cve: NoArgs;
  credit: CreditArgs;
  hold: ReasonArgs;
  unhold: NoArgs;
  watch: WatchArgs;
  publish: NoArgs;
  create: CreateArgs;
  "also-affects": AlsoAffectsArgs;
  convert: NoArgs;
}
export type CommandArgs<V extends Verb> = CommandArgsByVerb[V];

export interface CommandSpec<V extends Verb = Verb> {
  readonly verb: V;
  /** e.g. `/advisory severity <low|medium|high|critical>` */
  readonly usage: string;
  /** One line. */
  readonly summary: string;
  readonly where: readonly Where[];
  readonly who: Who;
  /** Complete command lines, each valid. */
  readonly examples: readonly string[];
  /** Turns the whitespace-separated argument tokens into typed arguments. */
  readonly args: z.ZodType<CommandArgs<V>, string[]>;
  /** The argument text that parses back to `args` (empty when there are none). */
  readonly format: (args: CommandArgs<V>) => string;
}

// ---------------------------------------------------------------------------------------------
// Argument pieces

const tokens = z.array(z.string());
type Ctx = z.core.$RefinementCtx<string[]>;

function fail(ctx: Ctx, message: string): never {
  ctx.issues.push({ code: "custom", message, input: ctx.value });
  return z.NEVER as never;
}

/** Runs a piece schema on one token; on failure records its first message and returns undefined. */
function piece<T>(schema: z.ZodType<T, string>, token: string, ctx: Ctx): T | undefined {
  const result = schema.safeParse(token);
  if (result.success) return result.data;
  ctx.issues.push({ code: "custom", message: result.error.issues[0]?.message ?? "invalid argument", input: token });
  return undefined;
}

const severity = z
  .string()
  .toLowerCase()
  .pipe(z.enum(SEVERITIES, { error: "severity must be one of low, medium, high, critical" }));

const handle = z
  .string()
  .regex(/^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, { error: "expected a GitHub user such as @alice" })
  .transform((h) => (h.startsWith("@") ? h.slice(1) : h));

const creditType = z
  .string()
  .transform((t) => t.toLowerCase().replaceAll("-", "_"))
  .pipe(z.enum(CREDIT_TYPES, { error: `credit type must be one of ${CREDIT_TYPES.join(", ")}` }));

const NUMERIC = "(?:0|[1-9][0-9]*)";
const PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
const BUILD_ID = "[0-9A-Za-z-]+";
const SEMVER = new RegExp(
  `^${NUMERIC}\\.${NUMERIC}\\.${NUMERIC}(?:-${PRE_ID}(?:\\.${PRE_ID})*)?(?:\\+${BUILD_ID}(?:\\.${BUILD_ID})*)?$`,
);

/** A semver version; a leading `v` is dropped because advisory versions never carry one. */
const version = z
  .string()
  .max(100, { error: "version is too long" })
  .transform((v) => (v.startsWith("v") || v.startsWith("V") ? v.slice(1) : v))
  .refine((v) => SEMVER.test(v), { error: "expected a semver version such as 2.6.1 or v2.6.1" });

const repoRef = z
  .string()
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/)?[A-Za-z0-9._-]{1,100}$/, {
    error: "expected a repository such as oras-go or oras-project/oras-go",
  })
  .refine((r) => !/(?:^|\/)\.{1,2}$/.test(r), { error: "expected a repository name" })
  .transform((r): RepoArgs => {
    const slash = r.indexOf("/");
    return slash < 0 ? { repo: r } : { owner: r.slice(0, slash), repo: r.slice(slash + 1) };
  });

const packageRef = z
  .string()
  .max(300, { error: "package is too long" })
  .transform((p, ctx): PackageArg => {
    const colon = p.indexOf(":");
    const prefix = colon < 0 ? "" : p.slice(0, colon);
    if (colon < 0 || !/^[A-Za-z]+$/.test(prefix)) return { name: p };
    const ecosystem = PACKAGE_ECOSYSTEMS.find((e) => e === prefix.toLowerCase());
    const name = p.slice(colon + 1);
    if (ecosystem === undefined) {
      ctx.issues.push({
        code: "custom",
        message: `unknown package ecosystem; use one of ${PACKAGE_ECOSYSTEMS.join(", ")}`,
        input: p,
      });
      return z.NEVER;
    }
    if (name === "") {
      ctx.issues.push({ code: "custom", message: "expected a package name after the ecosystem", input: p });
      return z.NEVER;
    }
    return { ecosystem, name };
  });

// CVSS metrics and their allowed values. Base metrics are required; the others are optional.
export type MetricTable = {
  readonly base: Readonly<Record<string, readonly string[]>>;
  readonly optional: Readonly<Record<string, readonly string[]>>;
};
const X = "X";
export const CVSS_METRICS: Readonly<Record<"3.1" | "4.0", MetricTable>> = {
  "3.1": {
    base: {
      AV: ["N", "A", "L", "P"],
      AC: ["L", "H"],
      PR: ["N", "L", "H"],
      UI: ["N", "R"],
      S: ["U", "C"],
      C: ["H", "L", "N"],
      I: ["H", "L", "N"],
      A: ["H", "L", "N"],
    },
    optional: {
      E: [X, "U", "P", "F", "H"],
      RL: [X, "O", "T", "W", "U"],
      RC: [X, "U", "R", "C"],
      CR: [X, "L", "M", "H"],
      IR: [X, "L", "M", "H"],
      AR: [X, "L", "M", "H"],
      MAV: [X, "N", "A", "L", "P"],
      MAC: [X, "L", "H"],
      MPR: [X, "N", "L", "H"],
      MUI: [X, "N", "R"],
      MS: [X, "U", "C"],
      MC: [X, "N", "L", "H"],
      MI: [X, "N", "L", "H"],
      MA: [X, "N", "L", "H"],
    },
  },
  "4.0": {
    base: {
      AV: ["N", "A", "L", "P"],
      AC: ["L", "H"],
      AT: ["N", "P"],
      PR: ["N", "L", "H"],
      UI: ["N", "P", "A"],
      VC: ["H", "L", "N"],
      VI: ["H", "L", "N"],
      VA: ["H", "L", "N"],
      SC: ["H", "L", "N"],
      SI: ["H", "L", "N"],
      SA: ["H", "L", "N"],
    },
    optional: {
      E: [X, "A", "P", "U"],
      CR: [X, "H", "M", "L"],
      IR: [X, "H", "M", "L"],
      AR: [X, "H", "M", "L"],
      MAV: [X, "N", "A", "L", "P"],
      MAC: [X, "L", "H"],
      MAT: [X, "N", "P"],
      MPR: [X, "N", "L", "H"],
      MUI: [X, "N", "P", "A"],
      MVC: [X, "H", "L", "N"],
      MVI: [X, "H", "L", "N"],
      MVA: [X, "H", "L", "N"],
      MSC: [X, "H", "L", "N"],
      MSI: [X, "S", "H", "L", "N"],
      MSA: [X, "S", "H", "L", "N"],
      S: [X, "N", "P"],
      AU: [X, "N", "Y"],
      R: [X, "A", "U", "I"],
      V: [X, "D", "C"],
      RE: [X, "L", "M", "H"],
      U: [X, "Clear", "Green", "Amber", "Red"],
    },
  },
};

/** Why a CVSS vector is malformed, or undefined when it is well formed. */
export function cvssVectorProblem(vector: string): string | undefined {
  if (vector.length > 300) return "the CVSS vector is too long";
  const match = /^CVSS:(3\.1|4\.0)\/(.+)$/.exec(vector);
  if (!match) return "a CVSS vector starts with CVSS:3.1/ or CVSS:4.0/";
  const table = CVSS_METRICS[match[1] as "3.1" | "4.0"];
  const seen = new Set<string>();
  for (const pair of (match[2] ?? "").split("/")) {
    const [metric = "", value, ...extra] = pair.split(":");
    if (value === undefined || extra.length > 0 || metric === "" || value === "") {
      return `"${pair}" is not a metric:value pair`;
    }
    const allowed = Object.hasOwn(table.base, metric)
      ? table.base[metric]
      : Object.hasOwn(table.optional, metric)
        ? table.optional[metric]
        : undefined;
    if (allowed === undefined) return `unknown CVSS ${match[1]} metric ${metric}`;
    if (!allowed.includes(value)) return `CVSS ${match[1]} metric ${metric} takes one of ${allowed.join(", ")}`;
    if (seen.has(metric)) return `CVSS metric ${metric} is given twice`;
    seen.add(metric);
  }
  const missing = Object.keys(table.base).filter((m) => !seen.has(m));
  if (missing.length > 0) return `the CVSS ${match[1]} vector lacks base metric(s) ${missing.join(", ")}`;
  return undefined;
}

const cvssVector = z.string().superRefine((v, ctx) => {
  const problem = cvssVectorProblem(v);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

// ---------------------------------------------------------------------------------------------
// Argument schemas

const noArgs: z.ZodType<NoArgs, string[]> = tokens.transform((t, ctx): NoArgs => {
  if (t.length > 0) return fail(ctx, "this command takes no arguments");
  return {};
});

function reasonOf(words: string[], ctx: Ctx): string | undefined {
  if (words.length === 0) return undefined;
  const reason = words.join(" ");
  if (reason.length > MAX_REASON_LENGTH) return fail(ctx, `the reason is longer than ${MAX_REASON_LENGTH} characters`);
  return reason;
}

const rejectArgs = tokens.transform((t, ctx): RejectArgs => {
  const words: string[] = [];
  let all = false;
  for (const token of t) {
    if (token.toLowerCase() === "--all") all = true;
    else if (/^--[^-]/.test(token)) return fail(ctx, "the only option is --all");
    else words.push(token);
  }
  const reason = reasonOf(words, ctx);
  return reason === undefined ? { all } : { reason, all };
});

const holdArgs = tokens.transform((t, ctx): ReasonArgs => {
  const reason = reasonOf(t, ctx);
  return reason === undefined ? {} : { reason };
});

const watchArgs = tokens.transform((t, ctx): WatchArgs => {
  const phrase = t.join(" ");
  if (phrase.length < MIN_WATCH_PHRASE || phrase.length > MAX_WATCH_PHRASE) {
    return fail(ctx, `expected a phrase of ${MIN_WATCH_PHRASE} to ${MAX_WATCH_PHRASE} characters`);
  }
  return { phrase };
});

const userArgs = tokens.transform((t, ctx): UserArgs => {
  const [user, ...extra] = t;
  if (user === undefined) return fail(ctx, "expected a GitHub user such as @alice");
  if (extra.length > 0) return fail(ctx, "expected exactly one user");
  return { user: piece(handle, user, ctx) ?? "" };
});

const severityArgs = tokens.transform((t, ctx): SeverityArgs => {
  const [value, ...extra] = t;
  if (value === undefined) return fail(ctx, "expected a severity: low, medium, high or critical");
  if (extra.length > 0) return fail(ctx, "expected exactly one severity");
  return { severity: piece(severity, value, ctx) ?? "low" };
});

const cvssArgs = tokens.transform((t, ctx): CvssArgs => {
  const [vector, ...extra] = t;
  if (vector === undefined) return fail(ctx, "expected a CVSS vector such as CVSS:3.1/AV:N/AC:L/…");
  if (extra.length > 0) return fail(ctx, "expected one CVSS vector without spaces");
  return { vector: piece(cvssVector, vector, ctx) ?? "" };
});

const fixedInArgs = tokens.transform((t, ctx): FixedInArgs => {
  const parts = t.flatMap((token) => token.split(",")).filter((p) => p !== "");
  if (parts.length === 0) return fail(ctx, "expected at least one version such as 2.6.1");
  if (parts.length > MAX_FIXED_VERSIONS) return fail(ctx, `at most ${MAX_FIXED_VERSIONS} versions`);
  const versions: string[] = [];
  for (const part of parts) {
    const v = piece(version, part, ctx);
    if (v !== undefined && !versions.includes(v)) versions.push(v);
  }
  return { versions };
});

const creditArgs = tokens.transform((t, ctx): CreditArgs => {
  const [user, type, ...extra] = t;
  if (user === undefined || type === undefined) return fail(ctx, "expected a user and a credit type");
  if (extra.length > 0) return fail(ctx, "expected exactly a user and a credit type");
  return { user: piece(handle, user, ctx) ?? "", type: piece(creditType, type, ctx) ?? "other" };
});

const createArgs = tokens.transform((t, ctx): CreateArgs => {
  const [repo, sev, ...extra] = t;
  if (repo === undefined) return fail(ctx, "expected a repository");
  if (extra.length > 0) return fail(ctx, "expected a repository and at most a severity");
  const ref = piece(repoRef, repo, ctx) ?? { repo: "" };
  if (sev === undefined) return ref;
  return { ...ref, severity: piece(severity, sev, ctx) ?? "low" };
});

const alsoAffectsArgs = tokens.transform((t, ctx): AlsoAffectsArgs => {
  const [repo, pkg, ...extra] = t;
  if (repo === undefined) return fail(ctx, "expected a repository");
  if (extra.length > 0) return fail(ctx, "expected a repository and at most a package");
  const ref = piece(repoRef, repo, ctx) ?? { repo: "" };
  if (pkg === undefined) return ref;
  return { ...ref, package: piece(packageRef, pkg, ctx) ?? { name: "" } };
});

// ---------------------------------------------------------------------------------------------
// Formatting (the inverse of the schemas)

const none = (): string => "";
const formatReason = (a: ReasonArgs): string => a.reason ?? "";
const formatRepo = (a: RepoArgs): string => (a.owner === undefined ? a.repo : `${a.owner}/${a.repo}`);
const formatPackage = (p: PackageArg): string => (p.ecosystem === undefined ? p.name : `${p.ecosystem}:${p.name}`);
const join = (...parts: Array<string | undefined>): string =>
  parts.filter((p) => p !== undefined && p !== "").join(" ");

// ---------------------------------------------------------------------------------------------
// The registry

const TRACKER = ["tracker-issue"] as const;

export const COMMAND_SPECS: { readonly [V in Verb]: CommandSpec<V> } = {
  help: {
    verb: "help",
    usage: "/advisory help",
    summary: "Show the command table.",
    where: ["any"],
    who: "anyone",
    examples: ["/advisory help"],
    args: noArgs,
    format: none,
  },
  status: {
    verb: "status",
    usage: "/advisory status",
    summary: "Refresh the tracking issue's status block.",
    where: TRACKER,
    who: "patch-team",
    examples: ["/advisory status"],
    args: noArgs,
    format: none,
  },
  accept: {
    verb: "accept",
    usage: "/advisory accept",
    summary: "Accept a reported advisory: triage → draft.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory accept"],
    args: noArgs,
    format: none,
  },
  reject: {
    verb: "reject",
    usage: "/advisory reject [reason] [--all]",
    summary: "Close the advisory without publishing; with `--all`, its sibling advisories too.",
    where: TRACKER,
    who: "security-team",
    examples: [
      "/advisory reject",
      "/advisory reject not a vulnerability: works as documented",
      "/advisory reject --all",
    ],
    args: rejectArgs,
    format: (a) => join(a.reason, a.all ? "--all" : undefined),
  },
  fork: {
    verb: "fork",
    usage: "/advisory fork",
    summary: "Create the temporary private fork, if there is none.",
    where: TRACKER,
    who: "patch-team",
    examples: ["/advisory fork"],
    args: noArgs,
    format: none,
  },
  sync: {
    verb: "sync",
    usage: "/advisory sync",
    summary: "Reconcile the advisory's collaborators with the maintainers now.",
    where: TRACKER,
    who: "patch-team",
    examples: ["/advisory sync"],
    args: noArgs,
    format: none,
  },
  add: {
    verb: "add",
    usage: "/advisory add @user",
    summary:
      "Add an active maintainer of an active repository of the org, or an outside expert named in `patchTeam.outsideExperts`, to the patch team; recorded on the tracking issue.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory add @alice"],
    args: userArgs,
    format: (a) => `@${a.user}`,
  },
  remove: {
    verb: "remove",
    usage: "/advisory remove @user",
    summary: "Remove a collaborator added with `add`.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory remove @alice"],
    args: userArgs,
    format: (a) => `@${a.user}`,
  },
  severity: {
    verb: "severity",
    usage: "/advisory severity <low|medium|high|critical>",
    summary: "Set the advisory's severity.",
    where: TRACKER,
    who: "patch-team",
    examples: ["/advisory severity high"],
    args: severityArgs,
    format: (a) => a.severity,
  },
  cvss: {
    verb: "cvss",
    usage: "/advisory cvss <vector>",
    summary: "Set the advisory's CVSS 3.1 or 4.0 vector.",
    where: TRACKER,
    who: "patch-team",
    examples: [
      "/advisory cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "/advisory cvss CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    ],
    args: cvssArgs,
    format: (a) => a.vector,
  },
  "fixed-in": {
    verb: "fixed-in",
    usage: "/advisory fixed-in <version>[, <version>…]",
    summary: "Set the patched versions (and the vulnerable range if it is empty); a leading v is dropped.",
    where: TRACKER,
    who: "patch-team",
    examples: ["/advisory fixed-in 2.6.1", "/advisory fixed-in v2.6.1, 1.2.5"],
    args: fixedInArgs,
    format: (a) => a.versions.join(", "),
  },
  cve: {
    verb: "cve",
    usage: "/advisory cve",
    summary: "Request a CVE id from GitHub.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory cve"],
    args: noArgs,
    format: none,
  },
  credit: {
    verb: "credit",
    usage: "/advisory credit @user <type>",
    summary: `Credit someone on the advisory; the type is one of ${CREDIT_TYPES.join(", ")}.`,
    where: TRACKER,
    who: "patch-team",
    examples: ["/advisory credit @alice finder", "/advisory credit @bob remediation_developer"],
    args: creditArgs,
    format: (a) => `@${a.user} ${a.type}`,
  },
  hold: {
    verb: "hold",
    usage: "/advisory hold [reason]",
    summary: "Pause automatic publication of the advisory.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory hold", "/advisory hold waiting for the downstream fix"],
    args: holdArgs,
    format: formatReason,
  },
  unhold: {
    verb: "unhold",
    usage: "/advisory unhold",
    summary: "Resume automatic publication of the advisory.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory unhold"],
    args: noArgs,
    format: none,
  },
  watch: {
    verb: "watch",
    usage: "/advisory watch <phrase>",
    summary: "Also report public pull requests, issues, commits and draft releases that contain this phrase.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory watch layer title traversal", "/advisory watch oras pull --output"],
    args: watchArgs,
    format: (a) => a.phrase,
  },
  publish: {
    verb: "publish",
    usage: "/advisory publish",
    summary: "Publish now if, and only if, the fixing release is out and the disclosure check passes.",
    where: ["tracker-issue", "pull-request"],
    who: "security-team",
    examples: ["/advisory publish"],
    args: noArgs,
    format: none,
  },
  create: {
    verb: "create",
    usage: "/advisory create <repo> [severity]",
    summary: "Create a draft advisory in the repository from this issue, which becomes its tracking issue.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory create oras-go", "/advisory create oras high"],
    args: createArgs,
    format: (a) => join(formatRepo(a), a.severity),
  },
  "also-affects": {
    verb: "also-affects",
    usage: "/advisory also-affects <repo> [package]",
    summary: "Create a sibling draft advisory in another repository, tracked on this issue.",
    where: TRACKER,
    who: "security-team",
    examples: ["/advisory also-affects oras", "/advisory also-affects oras go:oras.land/oras"],
    args: alsoAffectsArgs,
    format: (a) => join(formatRepo(a), a.package === undefined ? undefined : formatPackage(a.package)),
  },
  convert: {
    verb: "convert",
    usage: "/advisory convert",
    summary: "Move a report filed as a public issue into private handling.",
    where: ["public-issue"],
    who: "repo-maintainer",
    examples: ["/advisory convert"],
    args: noArgs,
    format: none,
  },
};

export function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}

/** The command registry in table order. */
export function commandSpecs(): CommandSpec[] {
  return VERBS.map((v) => COMMAND_SPECS[v] as CommandSpec);
}

// ---------------------------------------------------------------------------------------------
// Help and documentation, generated from the registry

const WHERE_LABEL: Record<Where, string> = {
  "tracker-issue": "tracking issue",
  "public-issue": "public issue",
  "pull-request": "pull request",
  any: "anywhere",
};
const WHO_LABEL: Record<Who, string> = {
  anyone: "anyone",
  "patch-team": "patch team",
  "security-team": "security team",
  "repo-maintainer": "repository maintainer",
};

/** Text inside a markdown table cell: pipes escaped, newlines flattened. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

export const SYNTAX_NOTE =
  "Write each command at the start of a line: `/advisory <verb> [arguments]`; several per comment run in order. " +
  "Commands in code, quotes and HTML comments are ignored.";

/** The command table as markdown, for `/advisory help`. */
export function renderHelp(): string {
  const rows = commandSpecs().map(
    (s) =>
      `| \`${cell(s.usage)}\` | ${s.where.map((w) => WHERE_LABEL[w]).join(", ")} | ${WHO_LABEL[s.who]} | ${cell(s.summary)} |`,
  );
  return ["| command | where | who | what |", "|---|---|---|---|", ...rows, "", SYNTAX_NOTE].join("\n");
}

/** The full `docs/commands.md`, as `scripts/commands-doc.ts` writes it. */
export function renderCommandsDoc(): string {
  const examples = commandSpecs().flatMap((s) => [
    `### \`${s.verb}\``,
    "",
    s.summary,
    "",
    "```",
    ...s.examples,
    "```",
    "",
  ]);
  return [
    "# Slash commands",
    "",
    "<!-- Generated by `npx tsx scripts/commands-doc.ts` from src/domain/command-specs.ts; do not edit. -->",
    "",
    "Comment on an issue or pull request to ask the app to act on a security advisory.",
    "",
    "## Syntax",
    "",
    "- A command is `/advisory <verb> [arguments]` at the start of a line (up to three leading spaces);",
    "  verbs are case-insensitive and arguments are separated by spaces (`fixed-in` also accepts commas).",
    `- A comment may hold several commands, one per line; they run in order, at most ${DEFAULT_MAX_COMMANDS} per comment.`,
    `- Commands are read in the first ${MAX_COMMAND_LINES} lines (${MAX_COMMAND_CHARS} characters) of a comment.`,
    "- A line counts only when GitHub shows it as text: lines in fenced or indented code blocks, inline",
    "  code, block quotes (`>`, including quoted replies and the unmarked lines right under a quote), HTML",
    "  comments (`<!-- … -->`) and blocks, headings and tables are ignored, so commands can be quoted and",
    "  discussed safely.",
    "- Comments written by bots, including this app, are ignored. In a public repository, commands other",
    "  than `help` are for members of the org; anyone else's get a 😕 and no reply.",
    "- When a comment is edited, only commands that did not run before are run.",
    "- The app reacts 👀 when it picks a comment up, then 🚀 when the commands succeeded or 😕 when one",
    "  failed or was refused, and replies with a quoted summary.",
    "- Who may run a command is checked against GitHub (roster files, team membership, the advisory's",
    "  collaborators); a refusal says why.",
    "",
    "## Commands",
    "",
    renderHelp(),
    "",
    "## Examples",
    "",
    ...examples,
  ].join("\n");
}
