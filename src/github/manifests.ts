/**
 * Reading package manifests from GitHub. The org query (`org.ts`) carries `MANIFEST_FIELDS` for every
 * repository: the text of each root manifest with a fixed name, GitHub's primary language, and the
 * names of the root folder, `src/` and `src/<folder>/` — where .NET keeps its project files, whose
 * names are not fixed. The text of those few project files is read only when a package is needed (a
 * command that creates a draft, the doctor): one request for the repository, and never again for the
 * same blob (blobs are content-addressed, so a cached text cannot go stale).
 */

import { ROOT_MANIFESTS } from "../domain/manifests.js";
import { DOTNET_PROJECT, type ListedFile, NUSPEC, type RepoManifests } from "../domain/packages.js";
import type { Octokit } from "./types.js";

const alias = (i: number) => `m${i}`;

/** The GraphQL fields of a `Repository` node that read its manifests (no variables needed). */
export const MANIFEST_FIELDS = [
  "primaryLanguage { name }",
  ...ROOT_MANIFESTS.map((file, i) => `${alias(i)}: object(expression: "HEAD:${file}") { ... on Blob { text } }`),
  'rootTree: object(expression: "HEAD:") { ... on Tree { entries { name type oid } } }',
  'srcTree: object(expression: "HEAD:src") { ... on Tree { entries { name type oid object { ... on Tree { entries { name type oid } } } } } }',
].join("\n        ");

interface Entry {
  name: string;
  type: string;
  oid: string;
  object?: { entries?: Entry[] | null } | null;
}

const isProjectFile = (name: string) => DOTNET_PROJECT.test(name) || NUSPEC.test(name);

/** The manifests part of one repository node of the org query. */
export function manifestsOf(node: Record<string, unknown>): RepoManifests {
  const files: Record<string, string | null> = {};
  ROOT_MANIFESTS.forEach((file, i) => {
    const blob = node[alias(i)] as { text?: string | null } | null | undefined;
    files[file] = blob?.text ?? null;
  });
  const root = ((node.rootTree as { entries?: Entry[] | null } | null)?.entries ?? []) as Entry[];
  const src = ((node.srcTree as { entries?: Entry[] | null } | null)?.entries ?? []) as Entry[];
  const listed: ListedFile[] = [];
  const add = (path: string, e: Entry) => {
    if (e.type === "blob" && isProjectFile(e.name) && listed.length < 50) listed.push({ path, oid: e.oid, text: null });
  };
  for (const e of root) add(e.name, e);
  for (const e of src) {
    add(`src/${e.name}`, e);
    if (e.type === "tree") for (const inner of e.object?.entries ?? []) add(`src/${e.name}/${inner.name}`, inner);
  }
  const language = (node.primaryLanguage as { name?: string } | null)?.name ?? null;
  return { files, rootDirs: root.filter((e) => e.type === "tree").map((e) => e.name), listed, language };
}

/** Texts of listed project files by blob id, shared by every run of the process (bounded). */
const textByOid = new Map<string, string | null>();
const CACHE_LIMIT = 1000;

interface BlobsPage {
  repository: Record<string, { oid?: string; text?: string | null } | null> | null;
}

/**
 * Fills in the text of a repository's listed project files, from the cache or with one GraphQL
 * request for those not cached. A failure leaves the texts null (the package then comes from the
 * file name, as MSBuild's default does).
 */
export async function readListedManifests(
  octokit: Octokit,
  owner: string,
  repo: string,
  manifests: RepoManifests,
): Promise<RepoManifests> {
  const missing = manifests.listed.filter((f) => f.text === null && !textByOid.has(f.oid));
  if (missing.length > 0) {
    const vars = missing.map((_, i) => `, $p${i}: String!`).join("");
    const fields = missing.map((_, i) => `p${i}: object(expression: $p${i}) { ... on Blob { oid text } }`);
    const query = `query ListedManifests($owner: String!, $name: String!${vars}) {
  repository(owner: $owner, name: $name) {
    ${fields.join("\n    ")}
  }
}`;
    const variables: Record<string, string> = { owner, name: repo };
    missing.forEach((f, i) => {
      variables[`p${i}`] = `HEAD:${f.path}`;
    });
    try {
      const page = await octokit.graphql<BlobsPage>(query, variables);
      missing.forEach((f, i) => {
        const blob = page.repository?.[`p${i}`];
        if (textByOid.size >= CACHE_LIMIT) textByOid.delete(textByOid.keys().next().value as string);
        textByOid.set(blob?.oid ?? f.oid, blob?.text ?? null);
      });
    } catch {
      return manifests;
    }
  }
  return {
    ...manifests,
    listed: manifests.listed.map((f) => ({ ...f, text: f.text ?? textByOid.get(f.oid) ?? null })),
  };
}
