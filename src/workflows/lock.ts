/**
 * Serializes work per key inside one process. Every run that reads an org and writes on what it read
 * (a sweep, a handled event, a comment's commands) holds that org's key (`orgKey`) from the read to its
 * last write, so the next run reads what the previous one wrote: three deliveries of one report make
 * one tracking issue, and a sweep racing a webhook does each write once. Across processes, reconciles
 * are idempotent as far as GitHub allows: each re-reads GitHub before it writes.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  get size(): number {
    return this.#tails.size;
  }
}

/** The key of an org's work: one run at a time reads and writes an org. */
export function orgKey(org: string): string {
  return `org:${org.toLowerCase()}`;
}
