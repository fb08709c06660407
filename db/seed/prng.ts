/**
 * Small seeded pseudo-random generator for the demo organisation.
 *
 * sfc32 ("small fast counter", Chris Doty-Humphrey, PractRand) on four 32-bit words,
 * seeded through splitmix32 so nearby seeds (1, 2, 3…) give unrelated streams.
 * Not cryptographic; its only job is to make the same seed give the same organisation
 * on every machine (pure integer arithmetic, no Math.random, no Date.now).
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Hash a string to 32 bits (FNV-1a), to derive independent streams from one seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = "main") {
    const sm = splitmix32((seed ^ hash32(stream)) >>> 0);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }

  /** Pick by weight; weights need not sum to 1. */
  weighted<T>(list: readonly T[], weight: (t: T) => number): T {
    let total = 0;
    for (const t of list) total += weight(t);
    let r = this.next() * total;
    for (const t of list) {
      r -= weight(t);
      if (r < 0) return t;
    }
    return list[list.length - 1]!;
  }

  /** Fisher–Yates, returns a new array. */
  shuffle<T>(list: readonly T[]): T[] {
    const out = list.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  /** k distinct items (k clipped to the list length). */
  sample<T>(list: readonly T[], k: number): T[] {
    return this.shuffle(list).slice(0, Math.min(k, list.length));
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Deterministic RFC 4122 version-4-shaped UUIDs from their own stream, so ids do not
 * shift when content generation draws more or fewer numbers.
 */
export class UuidFactory {
  private rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed, "uuid");
  }

  next(): string {
    const w0 = this.rng.u32();
    const w1 = this.rng.u32();
    const w2 = this.rng.u32();
    const w3 = this.rng.u32();
    const b = (w: number, s: number) => HEX[(w >>> s) & 0xff]!;
    // Version 4 nibble in byte 6, RFC 4122 variant bits in byte 8.
    const b6 = HEX[((w1 >>> 8) & 0x0f) | 0x40]!;
    const b8 = HEX[((w2 >>> 24) & 0x3f) | 0x80]!;
    return (
      b(w0, 24) + b(w0, 16) + b(w0, 8) + b(w0, 0) + "-" +
      b(w1, 24) + b(w1, 16) + "-" +
      b6 + b(w1, 0) + "-" +
      b8 + b(w2, 16) + "-" +
      b(w2, 8) + b(w2, 0) + b(w3, 24) + b(w3, 16) + b(w3, 8) + b(w3, 0)
    );
  }
}
