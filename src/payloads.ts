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

/**
 * Shapes read by the parts of one handler, as one schema holding every field of each: a payload it
 * accepts is accepted by each of them, and one it refuses lacks a field of at least one.
 */
const TOGETHER: Readonly<Record<string, z.ZodType>> = {
  "push+push_text": z.object({
    installation,
    ref: z.string(),
    repository: pushRepository.extend(publicText.shape),
    commits: z.array(pushCommit.extend(textCommit.shape)),
  }),
};

/**
 * `malformed` for each of `shapes`, the shapes the parts of one handler read. A payload with every
 * field all of them read (the common case) is checked once; otherwise each shape on its own, so a part
 * whose fields are all there still runs.
 */
export function malformedEach(shapes: readonly PayloadShape[], payload: unknown): Array<string | null> {
  if (TOGETHER[shapes.join("+")]?.safeParse(payload).success) return shapes.map(() => null);
  return shapes.map((shape) => malformed(shape, payload));
}
