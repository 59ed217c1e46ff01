/**
 * Lists read by what changed. A list that GitHub sorts by `updated` descending shows every item
 * created or changed since the last read before every item that did not change. So once a list has
 * been read whole, the next read takes pages only until it reaches an item older than the newest one
 * it knew, and merges those items into what it had: an idle list costs its first page, which the ETag
 * cache turns into a `304 Not Modified`.
 *
 * What sorting cannot show — an item deleted, transferred away, or one that left a filtered list — is
 * caught by the periodic full read: a list whose last full read is older than `fullReadMs` is read
 * whole again (every page, each still conditional) and replaces what was known.
 */
import type { SweptOrg } from "./org-probe.js";
import type { Octokit } from "./types.js";

/** An item of a list sortable by `updated`: its identity and its `updated_at` (ISO 8601, UTC). */
export interface Updated {
  updated_at: string | null;
}

const stamp = (item: Updated): string => item.updated_at ?? "";

interface ListState {
  items: Updated[];
  /** The newest `updated_at` in `items`; "" for an empty list. */
  newest: string;
  /** When the list was last read whole (the app's clock, ms). */
  fullAt: number;
}

/** The last known content of each list read through it; bounded (least recently used lists go first). */
export class ListCache {
  readonly #lists = new Map<string, ListState>();
  readonly #notes = new Map<string, string[]>();
  readonly #orgs = new Map<string, SweptOrg>();
  /** Reads that took every page (first reads and periodic full reads) and reads that took only the changes. */
  fullReads = 0;
  deltaReads = 0;

  constructor(
    /** How old a list's last full read may be before the next read takes every page again. */
    readonly fullReadMs: number,
    readonly capacity = 200,
  ) {}

  get(key: string): ListState | undefined {
    const state = this.#lists.get(key);
    if (state) {
      this.#lists.delete(key);
      this.#lists.set(key, state);
    }
    return state;
  }

  set(key: string, state: ListState): void {
    this.#lists.delete(key);
    this.#lists.set(key, state);
    while (this.#lists.size > this.capacity) {
      const oldest = this.#lists.keys().next().value;
      if (oldest === undefined) break;
      this.#lists.delete(oldest);
    }
  }

  /** Notes a few names a run learnt (the security teams the configurations name), for the next run. */
  note(key: string, values: readonly string[]): void {
    this.#notes.set(key, [...values]);
  }

  noted(key: string): string[] {
    return [...(this.#notes.get(key) ?? [])];
  }

  /** The last whole read of an org's repositories made for a sweep (`src/github/org-probe.ts`). */
  sweptOrg(org: string): SweptOrg | undefined {
    return this.#orgs.get(org.toLowerCase());
  }

  keepSweptOrg(org: string, swept: SweptOrg): void {
    this.#orgs.delete(org.toLowerCase());
    this.#orgs.set(org.toLowerCase(), swept);
    while (this.#orgs.size > this.capacity) {
      const oldest = this.#orgs.keys().next().value;
      if (oldest === undefined) break;
      this.#orgs.delete(oldest);
    }
  }

  /** Forgets every list of `scope` (an org), and its kept org read: its next reads are full. */
  forget(scope: string): void {
    this.#orgs.delete(scope.toLowerCase());
    const prefix = `${scope.toLowerCase()} `;
    for (const key of [...this.#lists.keys()]) if (key.startsWith(prefix)) this.#lists.delete(key);
  }

  get size(): number {
    return this.#lists.size;
  }
}

function newestOf(items: readonly Updated[]): string {
  let newest = "";
  for (const item of items) if (stamp(item) > newest) newest = stamp(item);
  return newest;
}

function byUpdatedDesc(a: Updated, b: Updated): number {
  return stamp(a) < stamp(b) ? 1 : stamp(a) > stamp(b) ? -1 : 0;
}

type PageRoute = Parameters<Octokit["paginate"]["iterator"]>[0];

export interface SortedListRead<T extends Updated> {
  octokit: Octokit;
  /** The list endpoint (`octokit.rest.…`); it must accept `sort: "updated"` and `direction: "desc"`. */
  route: PageRoute;
  /** Its parameters, without `sort`, `direction` and `per_page` (set here). */
  params: Record<string, unknown>;
  /** The list's identity in the cache: the scope (org, lower case) first, then the list. */
  key: string;
  /** An item's identity (GHSA id, issue number), to merge what changed into what was known. */
  id: (item: T) => string | number;
  cache: ListCache | undefined;
  /** The app's clock, ms. */
  now: number;
}

/**
 * Every item of a list sorted by `updated` descending, newest first. Without a cache, or when the
 * list's last full read is older than the cache's `fullReadMs`, every page is read; otherwise pages
 * are read only until one holds an item older than the newest item known (usually the first page,
 * answered 304 when nothing changed).
 */
export async function readSortedList<T extends Updated>(read: SortedListRead<T>): Promise<T[]> {
  const { octokit, cache } = read;
  const params = { ...read.params, sort: "updated", direction: "desc", per_page: 100 };
  const known = cache?.get(read.key);
  if (!cache || !known || read.now - known.fullAt >= cache.fullReadMs || read.now < known.fullAt) {
    const items = (await octokit.paginate(read.route, params as never)) as unknown as T[];
    cache?.set(read.key, { items, newest: newestOf(items), fullAt: read.now });
    if (cache) cache.fullReads += 1;
    return cache ? structuredClone(items) : items;
  }
  const changed = new Map<string | number, T>();
  let complete = false;
  for await (const page of octokit.paginate.iterator(read.route, params as never)) {
    const items = page.data as unknown as T[];
    for (const item of items) if (!changed.has(read.id(item))) changed.set(read.id(item), item);
    if (!/rel="next"/.test(String((page.headers as { link?: string }).link ?? ""))) {
      complete = true;
      break;
    }
    // The rest of the list is older than this item, and so unchanged since the last read.
    if (items.length === 0 || items.some((item) => stamp(item) < known.newest)) break;
  }
  if (complete) {
    // Every page was read: this is the whole list, deletions included.
    const items = [...changed.values()];
    cache.set(read.key, { items, newest: newestOf(items), fullAt: read.now });
    cache.fullReads += 1;
    return structuredClone(items);
  }
  const merged = [...changed.values()];
  for (const item of known.items as T[]) if (!changed.has(read.id(item))) merged.push(item);
  merged.sort(byUpdatedDesc);
  cache.set(read.key, { items: merged, newest: newestOf(merged), fullAt: known.fullAt });
  cache.deltaReads += 1;
  // Callers own what they get: the cached items stay as GitHub sent them.
  return structuredClone(merged);
}
