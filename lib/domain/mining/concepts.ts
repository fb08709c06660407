/**
 * Candidate roles as closed bicliques ("concepts") for the role-mining engine on large inputs
 * (the lazy greedy over them is `Solver.conceptGreedy` in role-mining.ts).
 *
 * Inputs:  a reduced 0/1 matrix (rows = distinct user permission sets, columns = distinct permission
 *          user sets) as bitsets, and the set of still uncovered edges (same layout as the rows).
 * Outputs: candidate roles (P = a set of columns, U = every row holding all of P, so U x P is a biclique
 *          of the matrix and no row can be added), their gains (uncovered edges covered) and covering.
 * Method:  candidates are (a) row closures: P = row(r); (b) column closures: U = col(c), P = the
 *          intersection of their rows; (c) pairwise intersections P = row(r) & row(r') of rows sharing an
 *          uncovered column (FastMiner-style, sampled, bounded by the clock and memory). Candidates are
 *          deduplicated by their column set. Overlap between roles is allowed (the basic RMP asks for a
 *          cover of the user-permission pairs, not a partition).
 * Complexity: with W words per row and L = words of a candidate's P: one closure costs
 *          O(|shortest column of P| * L); one gain evaluation O(min(|U|, |hint rows|) * L).
 *          Memory O(sum over candidates of |U| + L),
 *          capped by POOL_MAX_WORDS for the sampled intersections.
 */
import { MaxHeap } from "./heap";

/** Pairwise-intersection candidates stop once the pool holds this many 32-bit words (~48 MB). */
export const POOL_MAX_WORDS = 12_000_000;

export interface BitMatrix {
  nR: number;
  nC: number;
  W: number;
  rowBits: Uint32Array;
  rowWords: Int32Array[];
  rowCols: Int32Array[];
  colRows: Int32Array[];
}

export interface Concept {
  rows: Int32Array;
  words: Int32Array;
  masks: Uint32Array;
  /** |U| * |P| (all edges of the biclique). */
  size: number;
}

export interface CoverRole {
  rows: number[];
  cols: number[];
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) >>> 0;
}

function bitIndex(t: number): number {
  return 31 - Math.clz32(t);
}

/** Max-heap of (float key, int value): the shared heap specialised to numbers. */
export class IntMaxHeap extends MaxHeap<number> {}

export function conceptCols(c: { words: Int32Array; masks: Uint32Array }): number[] {
  const cols: number[] = [];
  for (let k = 0; k < c.words.length; k++) {
    let x = c.masks[k];
    while (x) {
      const t = x & -x;
      cols.push((c.words[k] << 5) + bitIndex(t));
      x ^= t;
    }
  }
  return cols;
}

export class ConceptPool {
  readonly m: BitMatrix;
  readonly list: Concept[] = [];
  private readonly keys = new Map<string, number>();
  /** Scratch for intersections. */
  private readonly sw: Int32Array;
  private readonly sm: Uint32Array;

  constructor(m: BitMatrix) {
    this.m = m;
    let maxWords = 1;
    for (const w of m.rowWords) maxWords = Math.max(maxWords, w.length);
    this.sw = new Int32Array(maxWords);
    this.sm = new Uint32Array(maxWords);
  }

  get size(): number {
    return this.list.length;
  }

  /** 32-bit words held by the candidates (rows + column words + masks), to bound memory. */
  stored = 0;

  private key(words: Int32Array, masks: Uint32Array, n: number): string {
    let s = "";
    for (let k = 0; k < n; k++) s += words[k].toString(36) + ":" + masks[k].toString(36) + ",";
    return s;
  }

  /** Rows holding every column of P (P given by words/masks, n entries). */
  closureRows(words: Int32Array, masks: Uint32Array, n: number): Int32Array {
    const { W, rowBits, colRows } = this.m;
    // shortest column of P
    let best: Int32Array | null = null;
    for (let k = 0; k < n; k++) {
      let x = masks[k];
      while (x) {
        const t = x & -x;
        const col = colRows[(words[k] << 5) + bitIndex(t)];
        if (!best || col.length < best.length) best = col;
        x ^= t;
      }
    }
    if (!best) return new Int32Array(0);
    const out: number[] = [];
    outer: for (let j = 0; j < best.length; j++) {
      const r = best[j];
      const b = r * W;
      for (let k = 0; k < n; k++) {
        if ((masks[k] & ~rowBits[b + words[k]]) !== 0) continue outer;
      }
      out.push(r);
    }
    return Int32Array.from(out);
  }

  /** Add the concept with column set P (words/masks, first n entries, zero masks allowed). Returns its id or -1. */
  addCols(words: Int32Array, masks: Uint32Array, n: number, rows?: Int32Array): number {
    // compact zero masks
    let k2 = 0;
    for (let k = 0; k < n; k++)
      if (masks[k]) {
        words[k2] = words[k];
        masks[k2] = masks[k];
        k2++;
      }
    if (k2 === 0) return -1;
    const key = this.key(words, masks, k2);
    const old = this.keys.get(key);
    if (old !== undefined) return old;
    const w = words.slice(0, k2);
    const m = masks.slice(0, k2);
    const r = rows ?? this.closureRows(w, m, k2);
    let nc = 0;
    for (let k = 0; k < k2; k++) nc += popcount(m[k]);
    const id = this.list.length;
    this.list.push({ rows: r, words: w, masks: m, size: r.length * nc });
    this.stored += r.length + 2 * k2 + 8;
    this.keys.set(key, id);
    return id;
  }

  addRowClosure(r: number): number {
    const { W, rowBits, rowWords } = this.m;
    const wl = rowWords[r];
    const b = r * W;
    for (let k = 0; k < wl.length; k++) {
      this.sw[k] = wl[k];
      this.sm[k] = rowBits[b + wl[k]];
    }
    return this.addCols(this.sw, this.sm, wl.length);
  }

  addColumnClosure(c: number): number {
    const { W, rowBits, rowWords, colRows } = this.m;
    const col = colRows[c];
    if (!col.length) return -1;
    const r0 = col[0];
    const wl = rowWords[r0];
    const b0 = r0 * W;
    const n = wl.length;
    for (let k = 0; k < n; k++) {
      this.sw[k] = wl[k];
      this.sm[k] = rowBits[b0 + wl[k]];
    }
    for (let j = 1; j < col.length; j++) {
      const b = col[j] * W;
      for (let k = 0; k < n; k++) this.sm[k] &= rowBits[b + this.sw[k]];
    }
    return this.addCols(this.sw, this.sm, n, col);
  }

  /** P = row(r) & row(r2). */
  addPair(r: number, r2: number): number {
    const { W, rowBits, rowWords } = this.m;
    const wl = rowWords[r];
    const b = r * W;
    const b2 = r2 * W;
    for (let k = 0; k < wl.length; k++) {
      this.sw[k] = wl[k];
      this.sm[k] = rowBits[b + wl[k]] & rowBits[b2 + wl[k]];
    }
    return this.addCols(this.sw, this.sm, wl.length);
  }

  /** Uncovered edges of concept i. */
  gain(i: number, uncov: Uint32Array): number {
    const { W } = this.m;
    const c = this.list[i];
    const { rows, words, masks } = c;
    const L = words.length;
    let v = 0;
    for (let j = 0; j < rows.length; j++) {
      const b = rows[j] * W;
      for (let k = 0; k < L; k++) {
        const x = uncov[b + words[k]] & masks[k];
        if (x) v += popcount(x);
      }
    }
    return v;
  }

  /**
   * Uncovered edges of concept i when every uncovered edge lies in the rows `hint` (a row r belongs to
   * the concept iff it holds all of P): walks whichever is shorter, the hint or the concept's rows.
   */
  gainIn(i: number, uncov: Uint32Array, hint: Int32Array): number {
    const c = this.list[i];
    if (c.rows.length <= hint.length) return this.gain(i, uncov);
    const { W, rowBits } = this.m;
    const { words, masks } = c;
    const L = words.length;
    let v = 0;
    outer: for (let j = 0; j < hint.length; j++) {
      const b = hint[j] * W;
      let g = 0;
      for (let k = 0; k < L; k++) {
        const w = words[k];
        const mk = masks[k];
        if ((mk & ~rowBits[b + w]) !== 0) continue outer;
        const x = uncov[b + w] & mk;
        if (x) g += popcount(x);
      }
      v += g;
    }
    return v;
  }

  /** `cover` restricted to the rows `hint` (all uncovered edges must lie in them). */
  coverIn(i: number, uncov: Uint32Array, hint: Int32Array): number {
    const c = this.list[i];
    if (c.rows.length <= hint.length) return this.cover(i, uncov);
    const { W, rowBits } = this.m;
    const { words, masks } = c;
    const L = words.length;
    let v = 0;
    outer: for (let j = 0; j < hint.length; j++) {
      const b = hint[j] * W;
      for (let k = 0; k < L; k++) if ((masks[k] & ~rowBits[b + words[k]]) !== 0) continue outer;
      for (let k = 0; k < L; k++) {
        const x = uncov[b + words[k]] & masks[k];
        if (x) {
          v += popcount(x);
          uncov[b + words[k]] ^= x;
        }
      }
    }
    return v;
  }

  /** Mark concept i covered; returns the number of edges newly covered. */
  cover(i: number, uncov: Uint32Array): number {
    const { W } = this.m;
    const { rows, words, masks } = this.list[i];
    let v = 0;
    for (let j = 0; j < rows.length; j++) {
      const b = rows[j] * W;
      for (let k = 0; k < words.length; k++) {
        const x = uncov[b + words[k]] & masks[k];
        if (x) {
          v += popcount(x);
          uncov[b + words[k]] ^= x;
        }
      }
    }
    return v;
  }

  role(i: number): CoverRole {
    const c = this.list[i];
    return { rows: Array.from(c.rows), cols: conceptCols(c) };
  }
}

/**
 * Generate candidates for the uncovered part: row closures of every row with an uncovered edge, column
 * closures of every column with one, then sampled pairwise intersections until `until` (clock) or
 * `maxPairs`. Returns false if the clock ran out before the row closures were complete.
 */
export function generateCandidates(
  pool: ConceptPool,
  uncov: Uint32Array,
  clock: () => number,
  until: number,
  rng: () => number,
  maxPairs: number,
  maxStored = POOL_MAX_WORDS,
): boolean {
  const { nR, nC, W, rowWords, colRows } = pool.m;
  const rowsLeft: number[] = [];
  const colHas = new Uint8Array(nC);
  for (let r = 0; r < nR; r++) {
    const b = r * W;
    const wl = rowWords[r];
    let any = false;
    for (let k = 0; k < wl.length; k++) {
      let x = uncov[b + wl[k]];
      if (x) any = true;
      while (x) {
        const t = x & -x;
        colHas[(wl[k] << 5) + bitIndex(t)] = 1;
        x ^= t;
      }
    }
    if (any) rowsLeft.push(r);
  }
  for (let i = 0; i < rowsLeft.length; i++) {
    pool.addRowClosure(rowsLeft[i]);
    if ((i & 63) === 63 && clock() > until) return false;
  }
  for (let c = 0; c < nC; c++) {
    if (colHas[c]) pool.addColumnClosure(c);
    if ((c & 63) === 63 && clock() > until) return true;
  }
  if (!rowsLeft.length) return true;
  const cols: number[] = [];
  for (let t = 0; t < maxPairs; t++) {
    if ((t & 31) === 31 && (clock() > until || pool.stored > maxStored)) break;
    const r = rowsLeft[Math.floor(rng() * rowsLeft.length)];
    const b = r * W;
    const wl = rowWords[r];
    cols.length = 0;
    for (let k = 0; k < wl.length; k++) {
      let x = uncov[b + wl[k]];
      while (x) {
        const tt = x & -x;
        cols.push((wl[k] << 5) + bitIndex(tt));
        x ^= tt;
      }
    }
    if (!cols.length) continue;
    const c = cols[Math.floor(rng() * cols.length)];
    const col = colRows[c];
    if (col.length < 2) continue;
    let r2 = col[Math.floor(rng() * col.length)];
    if (r2 === r) r2 = col[(col.indexOf(r) + 1) % col.length];
    pool.addPair(r, r2);
  }
  return true;
}
