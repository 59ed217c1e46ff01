/**
 * What a run holds while it works on a key. `fence` resolves while the run still holds the key and
 * throws once another run may have taken it over; every write batch checks it first (`apply`).
 */
export interface Lease {
  fence(): Promise<void>;
}

/** One run at a time per key: in one process (`KeyedLock`) or across replicas (`RedisLeaseLock`). */
export interface Lock {
  run<T>(key: string, work: (lease: Lease) => Promise<T>): Promise<T>;
}

/** The lease of an in-process lock: nothing else can take the key over while the run lives. */
export const HELD: Lease = { fence: () => Promise.resolve() };

/**
 * Serializes work per key inside one process. Every run that reads an org and writes on what it read
 * (a sweep, a handled event, a comment's commands) holds that org's key (`orgKey`) from the read to its
 * last write, so the next run reads what the previous one wrote: three deliveries of one report make
 * one tracking issue, and a sweep racing a webhook does each write once. Across replicas the same
 * holds through a Redis lease (`RedisLeaseLock`).
 */
export class KeyedLock implements Lock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: (lease: Lease) => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const start = () => work(HELD);
    const result = previous.then(start, start);
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
