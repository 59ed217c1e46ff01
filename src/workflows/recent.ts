/** A set with a fixed capacity that forgets its oldest entries: memory stays bounded however long the app runs. */
export class RecentSet {
  readonly #items = new Set<string>();
  /**
   * Where forgetting resumes: an iterator kept across calls. Starting each eviction from the front
   * would step over every entry deleted since the set last compacted itself (thousands, at capacity),
   * on every delivery; a kept iterator has passed them. A set's iterator skips entries deleted after it
   * was made and reaches entries added after it, so an entry touched again (deleted, added anew) is
   * forgotten in its new place.
   */
  #oldest: Iterator<string> | undefined;
  constructor(readonly capacity: number) {}

  has(key: string): boolean {
    return this.#items.has(key);
  }

  add(key: string): void {
    this.#items.delete(key);
    this.#items.add(key);
    while (this.#items.size > this.capacity) {
      this.#oldest ??= this.#items.values();
      const next = this.#oldest.next();
      if (next.done) {
        this.#oldest = undefined;
        continue;
      }
      this.#items.delete(next.value);
    }
  }

  get size(): number {
    return this.#items.size;
  }
}
