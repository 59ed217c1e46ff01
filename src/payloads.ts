/**
 * The shape each webhook handler relies on, checked at the edge before it runs. A signed delivery can
 * still be malformed (a replayed, hand-made or truncated payload): it is ignored with a content-free
 * reason instead of making a handler throw. Only the fields the handlers read are checked; the payload
 * itself is passed on unchanged, and anything that decides a write is read again from GitHub.
 */
import { z } from "zod";

const login = z.object({ login: z.string().min(1) });
const installation = z.object({ id: z.number().int().positive() });
const repository = z.object({ name: z.string().min(1), owner: login });

/** A repository whose text the embargo watch reads: its visibility decides whether the text is public. */
const publicText = repository.extend({ private: z.boolean(), full_name: z.string() });

/** What the roster check of a push reads: the branch, and each commit's changed paths. */
const pushRepository = repository.extend({ default_branch: z.string().nullish(), master_branch: z.string().nullish() });
const pushCommit = z.object({
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});
/** What the embargo watch reads of a pushed commit. */
const textCommit = z.object({
  id: z.string(),
  message: z.string(),
  url: z.string(),
  author: z.object({ username: z.string().nullish() }).nullish(),
});

const SCHEMAS = {
  repository_advisory: z.object({
    installation,
    repository,
    repository_advisory: z.object({ ghsa_id: z.string().min(1) }),
    sender: z.object({ login: z.string() }).nullish(),
  }),
  issue_comment: z.object({
    installation,
    repository: repository.extend({ private: z.boolean(), node_id: z.string() }),
    issue: z.object({
      number: z.number().int().positive(),
      node_id: z.string(),
      title: z.string(),
      body: z.string().nullish(),
      labels: z.array(z.union([z.string(), z.object({ name: z.string().nullish() })])).nullish(),
    }),
    comment: z.object({
      id: z.number().int().positive(),
      body: z.string(),
      user: z.object({ login: z.string(), type: z.string().nullish() }).nullable(),
    }),
  }),
  release: z.object({
    installation,
    repository,
    release: z.object({
      tag_name: z.string(),
      body: z.string().nullish(),
      draft: z.boolean(),
      prerelease: z.boolean(),
    }),
  }),
  push: z.object({ installation, ref: z.string(), repository: pushRepository, commits: z.array(pushCommit) }),
  repository: z.object({ installation, repository }),
  organization: z.object({ installation, organization: login }),
  pull_request: z.object({
    installation,
    repository: publicText,
    pull_request: z.object({
      number: z.number().int().positive(),
      title: z.string(),
      body: z.string().nullish(),
      html_url: z.string(),
    }),
  }),
  issues: z.object({
    installation,
    repository: publicText,
    issue: z.object({
      number: z.number().int().positive(),
      title: z.string(),
      body: z.string().nullish(),
      html_url: z.string(),
    }),
  }),
  push_text: z.object({ installation, repository: publicText, commits: z.array(textCommit) }),
  release_text: z.object({
    installation,
    repository: publicText,
    release: z.object({
      tag_name: z.string(),
      name: z.string().nullish(),
      body: z.string().nullish(),
      draft: z.boolean(),
      html_url: z.string(),
    }),
  }),
} as const;

export type PayloadShape = keyof typeof SCHEMAS;

/**
 * Null when the payload has what the handler of `shape` reads; otherwise which fields are wrong, as
 * paths only (no values: a payload may carry embargoed text).
 */
export function malformed(shape: PayloadShape, payload: unknown): string | null {
  const result = SCHEMAS[shape].safeParse(payload);
  if (result.success) return null;
  const paths = [...new Set(result.error.issues.map((i) => i.path.join(".") || "(payload)"))];
  return paths.slice(0, 5).join(", ");
}

/** The schema of `shape` (for tests that walk the fields a handler reads). */
export function payloadSchema(shape: PayloadShape): z.ZodType {
  return SCHEMAS[shape];
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isTextOrNone = (v: unknown): boolean => v === undefined || v === null || typeof v === "string";
function isTextsOrNone(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
}

/** What both parts of a push read (`push` and `push_text`), every field with its type. */
function fitsPush(p: unknown): boolean {
  if (!isFields(p) || typeof p.ref !== "string") return false;
  const installation = p.installation;
  if (!isFields(installation) || !Number.isSafeInteger(installation.id) || (installation.id as number) <= 0)
    return false;
  const repository = p.repository;
  if (
    !isFields(repository) ||
    !isName(repository.name) ||
    typeof repository.private !== "boolean" ||
    typeof repository.full_name !== "string" ||
    !isTextOrNone(repository.default_branch) ||
    !isTextOrNone(repository.master_branch) ||
    !isFields(repository.owner) ||
    !isName(repository.owner.login)
  )
    return false;
  const commits = p.commits;
  if (!Array.isArray(commits)) return false;
  for (let i = 0; i < commits.length; i++) {
    const c: unknown = commits[i];
    if (
      !isFields(c) ||
      typeof c.id !== "string" ||
      typeof c.message !== "string" ||
      typeof c.url !== "string" ||
      !isTextsOrNone(c.added) ||
      !isTextsOrNone(c.modified) ||
      !isTextsOrNone(c.removed) ||
      !(c.author === undefined || c.author === null || (isFields(c.author) && isTextOrNone(c.author.username)))
    )
      return false;
  }
  return true;
}

/**
 * Checks written out by hand for the shapes the parts of one handler read, for the payloads handled
 * most often (every push, on every branch): true only when every one of the shapes' schemas accepts the
 * payload (tested against them field by field and by fuzzing), false for anything else, which the
 * schemas then check one by one (they alone say what is wrong). A schema builds a copy of every field
 * it checks; on an ignored push that was most of the app's own time.
 */
const FITS: Readonly<Record<string, (payload: unknown) => boolean>> = { "push+push_text": fitsPush };

/** Whether the payload has every field each of `shapes` reads, decided without the schemas (false when unsure). */
export function fitsAll(shapes: readonly PayloadShape[], payload: unknown): boolean {
  return FITS[shapes.join("+")]?.(payload) ?? false;
}

/**
 * `malformed` for each of `shapes`, the shapes the parts of one handler read, as one check made once per
 * handler. A payload with every field all of them read (the common case) is decided by the hand-written
 * check, and the answer (no part is malformed) allocates nothing; otherwise each shape's schema answers
 * on its own, so a part whose fields are all there still runs.
 */
export function malformedEach(shapes: readonly PayloadShape[]): (payload: unknown) => ReadonlyArray<string | null> {
  const fits = FITS[shapes.join("+")];
  const none: ReadonlyArray<string | null> = shapes.map(() => null);
  return (payload) => (fits?.(payload) ? none : shapes.map((shape) => malformed(shape, payload)));
}
