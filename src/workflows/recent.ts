/** A set with a fixed capacity that forgets its oldest entries: memory stays bounded however long the app runs. */
export class RecentSet {
  readonly #items = new Set<string>();
  constructor(readonly capacity: number) {}

  has(key: string): boolean {
    return this.#items.has(key);
  }

  add(key: string): void {
    this.#items.delete(key);
    this.#items.add(key);
    while (this.#items.size > this.capacity) {
      const oldest = this.#items.values().next().value;
      if (oldest === undefined) break;
      this.#items.delete(oldest);
    }
  }

  get size(): number {
    return this.#items.size;
  }
}
