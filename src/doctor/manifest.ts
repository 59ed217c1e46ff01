/**
 * What the app needs from an installation, read from `app.yml` (the App manifest) so that the
 * manifest stays the one source of truth: each permission with its level and the reason written in
 * the comment above it, each webhook event with the comment after it.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";

export type AccessLevel = "read" | "write" | "admin";

export interface NeededPermission {
  name: string;
  level: AccessLevel;
  /** Why the app needs it, from the manifest's comment (empty when the manifest says nothing). */
  reason: string;
}

export interface NeededEvent {
  name: string;
  reason: string;
}

export interface AppManifest {
  permissions: NeededPermission[];
  events: NeededEvent[];
}

/** `app.yml` at the package root: two levels up from `src/doctor/` and from `lib/doctor/`. */
export const DEFAULT_MANIFEST_URL = new URL("../../app.yml", import.meta.url);

const LEVELS: readonly AccessLevel[] = ["read", "write", "admin"];

function oneLine(comment: string | null | undefined): string {
  return (comment ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}

/** Parses the manifest's `default_permissions` and `default_events`; throws on a malformed manifest. */
export function parseManifest(text: string): AppManifest {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`app.yml is not valid YAML: ${doc.errors[0]?.message}`);
  const permissionsNode = doc.get("default_permissions", true);
  const eventsNode = doc.get("default_events", true);
  if (!isMap(permissionsNode)) throw new Error("app.yml has no default_permissions map");
  if (!isSeq(eventsNode)) throw new Error("app.yml has no default_events list");

  // The comment above the first entry of a block belongs to the block in the YAML tree.
  const pair = isMap(doc.contents)
    ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "default_permissions")
    : undefined;
  const blockComment = (pair?.value as { commentBefore?: string | null } | undefined)?.commentBefore;

  const permissions = permissionsNode.items.map((item, i): NeededPermission => {
    const name = isScalar(item.key) ? String(item.key.value) : "";
    const level = isScalar(item.value) ? String(item.value.value) : "";
    if (!name || !LEVELS.includes(level as AccessLevel)) {
      throw new Error(`app.yml: default_permissions.${name || i} must be read, write or admin`);
    }
    const comment = (isScalar(item.key) ? item.key.commentBefore : null) ?? (i === 0 ? blockComment : null);
    return { name, level: level as AccessLevel, reason: oneLine(comment) };
  });
  const events = eventsNode.items.map((item): NeededEvent => {
    if (!isScalar(item) || typeof item.value !== "string") throw new Error("app.yml: default_events must be names");
    return { name: item.value, reason: oneLine(item.comment) };
  });
  return { permissions, events };
}

export async function readManifest(url: URL | string = DEFAULT_MANIFEST_URL): Promise<AppManifest> {
  return parseManifest(await readFile(url, "utf8"));
}

/** Orders access levels: none < read < write < admin. */
export function levelRank(level: string | undefined): number {
  return level === undefined ? 0 : LEVELS.indexOf(level as AccessLevel) + 1;
}
