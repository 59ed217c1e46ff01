/** Small seeded PRNG (mulberry32). The simulator never uses Math.random. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from empty list");
    return item;
  }

  /** A deterministic hex string of `length` characters. */
  hex(length: number): string {
    let out = "";
    while (out.length < length) out += this.int(16).toString(16);
    return out;
  }

  /** A deterministic RFC 4122 v4-shaped uuid. */
  uuid(): string {
    const h = this.hex(32).split("");
    h[12] = "4";
    h[16] = "89ab"[this.int(4)]!;
    const s = h.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

const GHSA_ALPHABET = "23456789cfghjmpqrvwx";

export function ghsaId(prng: Prng): string {
  const part = () => Array.from({ length: 4 }, () => GHSA_ALPHABET[prng.int(GHSA_ALPHABET.length)]).join("");
  return `GHSA-${part()}-${part()}-${part()}`;
}

/** GitHub-style global node id (legacy format: base64 of "<len>:<Type><id>"). */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}
