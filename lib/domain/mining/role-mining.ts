/**
 * Role minimisation: the basic Role Mining Problem (RMP) = minimum biclique cover of the
 * user-permission bipartite graph.
 *
 * Inputs:  user-permission pairs (UPA), as string ids (`mineRoles`) or dense indices (`mineRolesIndexed`),
 *          and a wall-clock budget (`timeLimitMs`, default 10 s).
 * Outputs: roles (user set x permission set) whose union reproduces UPA EXACTLY (no missing pair,
 *          no extra pair), a lower bound on the number of roles, and whether optimality is proven
 *          (roles == lower bound).
 *
 * Method (after Ene, Horne, Milosavljevic, Rao, Schreiber, Tarjan, "Fast exact and heuristic methods
 * for role minimization problems", SACMAT 2008, reimplemented from the idea, no code copied):
 *  0. Exact path first (strategy "auto" or "exact", lib/domain/mining/exact.ts): simplicial ("essential")
 *     and dominance reductions to a small kernel, then per connected component a clique lower bound,
 *     colouring heuristics and an exact branch and bound. It gives the answer whenever its kernel fits
 *     (MAX_KERNEL edges); the steps below are the fallback for kernels it cannot make explicit.
 *  1. Reduce: users with identical permission sets collapse to one row, permissions with identical user
 *     sets collapse to one column. A cover of the reduced matrix expands to a cover of the original.
 *  2. Two edges (u,p), (v,q) are compatible (may share a role) iff (u,q) and (v,p) are in UPA. A role is
 *     a set of pairwise compatible edges. Lower bound = a set of pairwise incompatible edges, built
 *     greedily (edges with the smallest compatible neighbourhood first), with randomised restarts.
 *  3. Essential roles: for an uncovered edge e, every role containing e lies inside
 *     M(e) = col(p) x row(u). If the uncovered edges of M(e) themselves span a biclique of UPA, that
 *     biclique dominates every other role containing e, so it is in some optimal cover: take it.
 *     Repeat to a fixpoint with a worklist (only rows near a newly covered area are re-examined).
 *  4. Greedy on the remaining kernel, two heuristics in a portfolio (strategy "auto"):
 *     a. concept pool (lib/domain/mining/concepts.ts), always first: candidate roles are closed
 *        bicliques (row closures, column closures, sampled pairwise intersections of rows sharing an
 *        uncovered column); a lazy greedy (max-heap of uncovered edges covered, gains recomputed only
 *        when popped) picks them, with essential-role reductions interleaved (bounded share of time).
 *        The row closures alone cover every edge, so the pool is complete; it scales to large inputs.
 *     b. on small reduced matrices (<= GROW_MAX_EDGES edges) also the older grow greedy in both
 *        orientations: candidate roles grown from every uncovered edge (start from the user's row, add
 *        users of the same column while the number of uncovered edges covered grows).
 *  5. Improvement (iterated greedy / ruin and recreate) of the best first solution until the time budget
 *     runs out or the lower bound is met: drop a neighbourhood of roles, re-cover it (with the concept
 *     pool: only the rows of the dropped roles can hold uncovered edges, so gains are computed there),
 *     keep if not worse; redundant roles (all their edges covered elsewhere) are removed.
 *  Finally roles are trimmed (users/permissions whose every pair is covered by another role are
 *  dropped) to lower |UA|+|PA| without changing the role count.
 *
 * Complexity: with R reduced rows, C reduced columns, W = ceil(C/32) words, E reduced edges:
 *  memory O(R*W + C*ceil(R/32) + E); reductions O(E * maxcol * nnzwords(row)) per pass in the worst case;
 *  greedy candidate growth O(E_kernel * maxcol * maxrow) per generation; concept pool: see concepts.ts
 *  (memory capped); lower bound O(E log E) per pass plus the cheapest of three incompatibility routes per
 *  edge; every phase checks the clock, and
 *  when the budget is exhausted the remaining edges are covered by one role per reduced row, so the
 *  result is always an exact cover and the run time is bounded.
 */

import { ConceptPool, generateCandidates, IntMaxHeap } from "./concepts";
import { solveExact, type ExactResult } from "./exact";
import { MaxHeap } from "./heap";
import { mulberry32 } from "../random";

export { mulberry32 };

export interface IndexedRole {
  users: number[];
  permissions: number[];
}

export interface MineOptions {
  /**
   * Wall-clock budget in milliseconds (default 10 000). The exact path's reductions may run past it,
   * up to 2.5 budgets (a loaded machine); the search after them stops at the budget.
   */
  timeLimitMs?: number;
  /** Seed of the pseudo-random generator (deterministic given the same budget usage). */
  seed?: number;
  /** Clock in milliseconds; injectable for tests. */
  clock?: () => number;
  /** Progress callback (phase name and current role count), e.g. for a job's visible progress. */
  onProgress?: (phase: string, info: { roles: number; lowerBound: number; ms: number }) => void;
  /**
   * Kernel heuristic: "grow" (candidates grown from uncovered edges, both orientations; best on small
   * matrices), "concepts" (lazy greedy over closed-biclique candidates; scales to large ones) or
   * "auto" (default: chosen from the size of the reduced matrix).
   */
  strategy?: "auto" | "exact" | "grow" | "concepts";
}

export interface IndexedMineResult {
  roles: IndexedRole[];
  lowerBound: number;
  optimal: boolean;
  reducedUsers: number;
  reducedPermissions: number;
  essentialRoles: number;
  assignments: number;
  /** Uncovered edges of the reduced matrix left after the exact path's reductions (absent if it gave up). */
  kernelEdges?: number;
}

export interface MinedRole {
  users: string[];
  permissions: string[];
}

export interface MineResult {
  roles: MinedRole[];
  users: number;
  permissions: number;
  assignments: number;
  lowerBound: number;
  optimal: boolean;
  edges: number;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// small helpers

function pop(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) >>> 0;
}

function bitIndex(t: number): number {
  return 31 - Math.clz32(t);
}


const defaultClock = (): number =>
  typeof performance !== "undefined" && typeof performance.now === "function" ? performance.now() : Date.now();


// ---------------------------------------------------------------------------------------------
// reduced matrix

export interface Reduced {
  nR: number;
  nC: number;
  W: number;
  rowBits: Uint32Array; // nR * W
  rowWords: Int32Array[]; // non-zero word indices of each row
  rowCols: Int32Array[]; // columns of each row
  colRows: Int32Array[]; // rows of each column
  rowUsers: number[][]; // original users of each reduced row
  colPerms: number[][]; // original permissions of each reduced column
  edges: number;
}

export function buildReduced(nUsers: number, nPerms: number, us: ArrayLike<number>, ps: ArrayLike<number>): Reduced {
  // permissions of each user, sorted & deduplicated
  const deg = new Int32Array(nUsers + 1);
  for (let i = 0; i < us.length; i++) deg[us[i] + 1]++;
  for (let i = 0; i < nUsers; i++) deg[i + 1] += deg[i];
  const fill = deg.slice(0, nUsers);
  const flat = new Int32Array(us.length);
  for (let i = 0; i < us.length; i++) flat[fill[us[i]]++] = ps[i];
  const rowKey = new Map<string, number>();
  const rowUsers: number[][] = [];
  const rowPermsList: Int32Array[] = [];
  for (let u = 0; u < nUsers; u++) {
    const seg = flat.subarray(deg[u], deg[u + 1]).sort();
    if (!seg.length) continue;
    let k = 1;
    for (let i = 1; i < seg.length; i++) if (seg[i] !== seg[k - 1]) seg[k++] = seg[i];
    const perms = seg.subarray(0, k);
    const key = perms.join(",");
    let r = rowKey.get(key);
    if (r === undefined) {
      r = rowUsers.length;
      rowKey.set(key, r);
      rowUsers.push([]);
      rowPermsList.push(perms);
    }
    rowUsers[r].push(u);
  }
  const nR = rowUsers.length;
  // reduced rows of each permission
  const permRows: number[][] = Array.from({ length: nPerms }, () => []);
  for (let r = 0; r < nR; r++) for (const p of rowPermsList[r]) permRows[p].push(r);
  const colKey = new Map<string, number>();
  const colPerms: number[][] = [];
  const colRowsL: Int32Array[] = [];
  const permCol = new Int32Array(nPerms).fill(-1);
  for (let p = 0; p < nPerms; p++) {
    if (!permRows[p].length) continue;
    const key = permRows[p].join(",");
    let c = colKey.get(key);
    if (c === undefined) {
      c = colPerms.length;
      colKey.set(key, c);
      colPerms.push([]);
      colRowsL.push(Int32Array.from(permRows[p]));
    }
    colPerms[c].push(p);
    permCol[p] = c;
  }
  const nC = colPerms.length;
  const W = Math.max(1, (nC + 31) >>> 5);
  const rowBits = new Uint32Array(nR * W);
  const rowCols: Int32Array[] = [];
  const rowWords: Int32Array[] = [];
  let edges = 0;
  for (let r = 0; r < nR; r++) {
    const base = r * W;
    for (const p of rowPermsList[r]) {
      const c = permCol[p];
      rowBits[base + (c >>> 5)] |= 1 << (c & 31);
    }
    const cols: number[] = [];
    const words: number[] = [];
    for (let w = 0; w < W; w++) {
      let x = rowBits[base + w];
      if (x) words.push(w);
      while (x) {
        const t = x & -x;
        cols.push((w << 5) + bitIndex(t));
        x ^= t;
      }
    }
    edges += cols.length;
    rowCols.push(Int32Array.from(cols));
    rowWords.push(Int32Array.from(words));
  }
  return { nR, nC, W, rowBits, rowWords, rowCols, colRows: colRowsL, rowUsers, colPerms, edges };
}

// ---------------------------------------------------------------------------------------------
// the solver

interface KRole {
  rows: number[];
  cols: number[];
}

/** Bounds on the growth of one candidate role (rows scanned / rows considered per column). */
const GROW_SCAN = 2048;
const GROW_CANDS = 256;
/** The grow greedy joins the portfolio only on reduced matrices up to this many edges. */
const GROW_MAX_EDGES = 50_000;
const phaseSize = (p: { fixed: unknown[]; kernel: unknown[] }): number => p.fixed.length + p.kernel.length;

class Solver {
  readonly m: Reduced;
  readonly uncov: Uint32Array;
  uncovCount = 0;
  private readonly clock: () => number;
  deadline: number;
  private readonly rng: () => number;
  // scratch
  private readonly sP: Uint32Array;
  private readonly sI: Uint32Array;
  private readonly cnt: Int32Array;
  private readonly inU: Uint8Array;
  private readonly dirty: Uint8Array;

  constructor(m: Reduced, clock: () => number, deadline: number, rng: () => number) {
    this.m = m;
    this.clock = clock;
    this.deadline = deadline;
    this.rng = rng;
    this.uncov = new Uint32Array(m.rowBits.length);
    let maxWords = 1;
    for (const w of m.rowWords) maxWords = Math.max(maxWords, w.length);
    this.sP = new Uint32Array(maxWords);
    this.sI = new Uint32Array(maxWords);
    this.cnt = new Int32Array(m.nC);
    this.inU = new Uint8Array(m.nR);
    this.dirty = new Uint8Array(m.nR);
  }

  clock0(): number {
    return this.clock();
  }

  timeLeft(): number {
    return this.deadline - this.clock();
  }

  resetUncovered(): void {
    this.uncov.set(this.m.rowBits);
    this.uncovCount = this.m.edges;
  }

  cover(role: KRole): number {
    const { W } = this.m;
    const u = this.uncov;
    let newly = 0;
    for (const r of role.rows) {
      const base = r * W;
      for (const c of role.cols) {
        const i = base + (c >>> 5);
        const b = 1 << (c & 31);
        if (u[i] & b) {
          u[i] &= ~b;
          newly++;
        }
      }
    }
    this.uncovCount -= newly;
    return newly;
  }

  /**
   * Essential-role test for uncovered edge (r,c): gathers the uncovered edges of M(e) = col(c) x row(r)
   * and checks they span a biclique of UPA. Returns the role or null.
   */
  essential(r: number, c: number): KRole | null {
    const { W, rowBits, rowWords, colRows } = this.m;
    const wl = rowWords[r];
    const L = wl.length;
    const P = this.sP;
    const I = this.sI;
    const rb = r * W;
    for (let k = 0; k < L; k++) {
      P[k] = 0;
      I[k] = rowBits[rb + wl[k]];
    }
    const u = this.uncov;
    const col = colRows[c];
    // Cheap necessary test first: every row of the biclique must hold all uncovered permissions of r.
    // A few random rows of column c that have uncovered pairs inside row(r) usually refute it at once.
    if (col.length > 8) {
      for (let t = 0; t < 6; t++) {
        const r2 = col[Math.floor(this.rng() * col.length)];
        const b2 = r2 * W;
        let any = 0;
        for (let k = 0; k < L; k++) any |= u[b2 + wl[k]] & rowBits[rb + wl[k]];
        if (!any) continue;
        for (let k = 0; k < L; k++) if ((u[rb + wl[k]] & ~rowBits[b2 + wl[k]]) !== 0) return null;
      }
    }
    const rows: number[] = [];
    for (const r2 of col) {
      const b2 = r2 * W;
      let any = 0;
      for (let k = 0; k < L; k++) any |= u[b2 + wl[k]] & rowBits[rb + wl[k]];
      if (!any) continue;
      for (let k = 0; k < L; k++) {
        const w = wl[k];
        const x = u[b2 + w] & rowBits[rb + w];
        const rw = rowBits[b2 + w];
        if ((x & ~I[k]) !== 0) return null;
        if ((P[k] & ~rw) !== 0) return null;
      }
      for (let k = 0; k < L; k++) {
        const w = wl[k];
        P[k] |= u[b2 + w] & rowBits[rb + w];
        I[k] &= rowBits[b2 + w];
      }
      rows.push(r2);
    }
    const cols: number[] = [];
    for (let k = 0; k < L; k++) {
      let x = P[k];
      while (x) {
        const t = x & -x;
        cols.push((wl[k] << 5) + bitIndex(t));
        x ^= t;
      }
    }
    return { rows, cols };
  }

  /** Mark every row that may see a change in its essential status after `role` was covered. */
  private markDirty(role: KRole, queue: number[]): void {
    const { colRows } = this.m;
    const d = this.dirty;
    for (const c of role.cols)
      for (const r of colRows[c])
        if (!d[r]) {
          d[r] = 1;
          queue.push(r);
        }
  }

  /**
   * Take essential roles to a fixpoint. `seedRoles` limits the first pass to their neighbourhood.
   * Stops early (returns false) at `until`; what was taken so far stays valid.
   */
  reduce(out: KRole[], seedRoles?: KRole[], until: number = this.deadline): boolean {
    const { W, nR } = this.m;
    const u = this.uncov;
    const queue: number[] = [];
    const d = this.dirty;
    if (seedRoles) {
      for (const role of seedRoles) this.markDirty(role, queue);
    } else {
      for (let r = 0; r < nR; r++) {
        d[r] = 1;
        queue.push(r);
      }
    }
    let head = 0;
    let steps = 0;
    while (head < queue.length) {
      const r = queue[head++];
      d[r] = 0;
      const base = r * W;
      const wl = this.m.rowWords[r];
      for (let k = 0; k < wl.length; k++) {
        const w = wl[k];
        let x = u[base + w];
        while (x) {
          const t = x & -x;
          x ^= t;
          const c = (w << 5) + bitIndex(t);
          if (!(u[base + w] & t)) continue;
          const role = this.essential(r, c);
          if (role) {
            this.cover(role);
            out.push(role);
            this.markDirty(role, queue);
            x &= u[base + w];
          }
          if ((++steps & 63) === 0 && this.clock() > until) {
            for (let i = head; i < queue.length; i++) d[queue[i]] = 0;
            return false;
          }
        }
      }
      if (head > 65536 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
    }
    return true;
  }

  /** Grow a role from uncovered edge (r,c), greedily adding users of column c while coverage grows. */
  grow(r: number, c: number, noise: number): { rows: number[]; words: Int32Array; masks: Uint32Array; value: number } {
    const { W, rowBits, rowWords, colRows } = this.m;
    const u = this.uncov;
    const wl = rowWords[r];
    const L = wl.length;
    const rb = r * W;
    const P = new Uint32Array(L);
    const cnt = this.cnt;
    const inU = this.inU;
    let value = 0;
    for (let k = 0; k < L; k++) {
      const w = wl[k];
      P[k] = rowBits[rb + w];
      let x = u[rb + w];
      value += pop(x);
      while (x) {
        const t = x & -x;
        cnt[(w << 5) + bitIndex(t)] = 1;
        x ^= t;
      }
    }
    // touched columns are exactly those of row r: reset them at the end
    const rows = [r];
    inU[r] = 1;
    const cands: number[] = [];
    // On very long columns only a window (random start, wrapping) is examined, to bound the work.
    const col = colRows[c];
    const n = col.length;
    const start = n > GROW_SCAN ? Math.floor(this.rng() * n) : 0;
    for (let j = 0, scanned = 0; j < n && scanned < GROW_SCAN && cands.length < GROW_CANDS; j++, scanned++) {
      const r2 = col[(start + j) % n];
      if (r2 === r) continue;
      const b2 = r2 * W;
      let any = 0;
      for (let k = 0; k < L; k++) any |= u[b2 + wl[k]] & P[k];
      if (any) cands.push(r2);
    }
    const rng = this.rng;
    for (;;) {
      let best = -1;
      let bestV = value;
      let bestScore = value;
      for (let j = 0; j < cands.length; j++) {
        const r2 = cands[j];
        if (inU[r2]) continue;
        const b2 = r2 * W;
        let v = 0;
        for (let k = 0; k < L; k++) {
          const w = wl[k];
          const mk = P[k] & rowBits[b2 + w];
          if (!mk) continue;
          v += pop(u[b2 + w] & mk);
          let x = mk;
          while (x) {
            const t = x & -x;
            v += cnt[(w << 5) + bitIndex(t)];
            x ^= t;
          }
        }
        if (v <= value) continue;
        const score = noise > 0 ? v * (1 + noise * (rng() - 0.5)) : v;
        if (score > bestScore) {
          bestScore = score;
          bestV = v;
          best = r2;
        }
      }
      if (best < 0) break;
      const b2 = best * W;
      for (let k = 0; k < L; k++) {
        const w = wl[k];
        P[k] &= rowBits[b2 + w];
        let x = u[b2 + w] & P[k];
        while (x) {
          const t = x & -x;
          cnt[(w << 5) + bitIndex(t)]++;
          x ^= t;
        }
      }
      inU[best] = 1;
      rows.push(best);
      value = bestV;
    }
    for (const x of rows) inU[x] = 0;
    for (const q of this.m.rowCols[r]) cnt[q] = 0;
    return { rows, words: wl, masks: P, value };
  }

  valueOf(rows: number[], words: Int32Array, masks: Uint32Array): number {
    const W = this.m.W;
    const u = this.uncov;
    let v = 0;
    for (const r of rows) {
      const b = r * W;
      for (let k = 0; k < words.length; k++) v += pop(u[b + words[k]] & masks[k]);
    }
    return v;
  }

  /**
   * Cover everything still uncovered with one role per row or one role per column, whichever needs
   * fewer roles (always valid: a single row or column is a biclique).
   */
  fallback(out: KRole[]): void {
    const { nR, nC, W } = this.m;
    const u = this.uncov;
    const colHas = new Uint8Array(nC);
    let rowsUsed = 0;
    let colsUsed = 0;
    for (let r = 0; r < nR; r++) {
      let any = false;
      for (let w = 0; w < W; w++) {
        let x = u[r * W + w];
        if (x) any = true;
        while (x) {
          const t = x & -x;
          const c = (w << 5) + bitIndex(t);
          if (!colHas[c]) {
            colHas[c] = 1;
            colsUsed++;
          }
          x ^= t;
        }
      }
      if (any) rowsUsed++;
    }
    if (colsUsed < rowsUsed) {
      const byCol: number[][] = Array.from({ length: nC }, () => []);
      for (let r = 0; r < nR; r++)
        for (let w = 0; w < W; w++) {
          let x = u[r * W + w];
          while (x) {
            const t = x & -x;
            byCol[(w << 5) + bitIndex(t)].push(r);
            x ^= t;
          }
        }
      for (let c = 0; c < nC; c++) {
        if (!byCol[c].length) continue;
        const role = { rows: byCol[c], cols: [c] };
        this.cover(role);
        out.push(role);
      }
      return;
    }
    for (let r = 0; r < nR; r++) {
      const cols: number[] = [];
      for (let w = 0; w < W; w++) {
        let x = u[r * W + w];
        while (x) {
          const t = x & -x;
          cols.push((w << 5) + bitIndex(t));
          x ^= t;
        }
      }
      if (cols.length) {
        const role = { rows: [r], cols };
        this.cover(role);
        out.push(role);
      }
    }
  }

  /**
   * Greedy with interleaved reductions on the current uncovered set. `seedRoles` (if given) limits
   * the first reduction pass to the neighbourhood of those roles (used when re-covering a ruined area).
   */
  greedy(out: KRole[], noise: number, maxSeeds: number, seedRoles?: KRole[]): void {
    const { nR, W, rowWords } = this.m;
    const u = this.uncov;
    // a full reduction pass may be too costly on big inputs: it gets at most a quarter of the time left
    this.reduce(out, seedRoles, this.clock() + Math.max(20, 0.25 * this.timeLeft()));
    type Cand = { rows: number[]; words: Int32Array; masks: Uint32Array };
    const rng = this.rng;
    const greedyStart = this.clock();
    let reduceMs = 0;
    while (this.uncovCount > 0) {
      if (this.clock() > this.deadline) {
        this.fallback(out);
        return;
      }
      const heap = new MaxHeap<Cand>();
      let genMax = 0;
      // rows with uncovered edges, in random order so that a time-sliced generation is unbiased
      const rowsLeft: number[] = [];
      for (let r = 0; r < nR; r++) {
        const base = r * W;
        const wl = rowWords[r];
        for (let k = 0; k < wl.length; k++)
          if (u[base + wl[k]]) {
            rowsLeft.push(r);
            break;
          }
      }
      for (let i = rowsLeft.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        const t = rowsLeft[i];
        rowsLeft[i] = rowsLeft[j];
        rowsLeft[j] = t;
      }
      const perRow = Math.max(1, Math.ceil(maxSeeds / Math.max(1, rowsLeft.length)));
      const genStart = this.clock();
      const sliceEnd = this.clock() + Math.max(20, this.timeLeft() * 0.15);
      let stop = false;
      const seedCols: number[] = [];
      for (let ri = 0; ri < rowsLeft.length && !stop; ri++) {
        const r = rowsLeft[ri];
        const base = r * W;
        const wl = rowWords[r];
        seedCols.length = 0;
        for (let k = 0; k < wl.length; k++) {
          let x = u[base + wl[k]];
          while (x) {
            const t = x & -x;
            seedCols.push((wl[k] << 5) + bitIndex(t));
            x ^= t;
          }
        }
        if (seedCols.length > perRow) {
          for (let i = 0; i < perRow; i++) {
            const j = i + Math.floor(rng() * (seedCols.length - i));
            const t = seedCols[i];
            seedCols[i] = seedCols[j];
            seedCols[j] = t;
          }
          seedCols.length = perRow;
        }
        for (const c of seedCols) {
          const g = this.grow(r, c, noise);
          const key = g.value * (1 + (noise > 0 ? noise * 0.1 * rng() : 0));
          heap.push(key, { rows: g.rows, words: g.words, masks: g.masks });
          if (g.value > genMax) genMax = g.value;
          if (this.clock() > sliceEnd) {
            stop = true;
            break;
          }
        }
      }
      if (this.clock() > this.deadline) {
        this.fallback(out);
        return;
      }
      const genMs = this.clock() - genStart;
      let taken = 0;
      while (heap.size && this.uncovCount > 0) {
        const cand = heap.pop()!;
        const v = this.valueOf(cand.rows, cand.words, cand.masks);
        if (v === 0) continue;
        if (v < heap.topKey()) {
          heap.push(v, cand);
          continue;
        }
        // candidates are stale: regrow them, unless growing is expensive compared with the time left
        if (taken > 0 && v * 2 < genMax && genMs < 0.05 * this.timeLeft()) break;
        const cols: number[] = [];
        for (let k = 0; k < cand.words.length; k++) {
          let x = cand.masks[k];
          while (x) {
            const t = x & -x;
            cols.push((cand.words[k] << 5) + bitIndex(t));
            x ^= t;
          }
        }
        const role = { rows: cand.rows, cols };
        this.cover(role);
        out.push(role);
        taken++;
        const extra: KRole[] = [];
        // interleaved reductions pay off on small kernels; on big ones keep them under ~1/3 of the time
        const now = this.clock();
        if (reduceMs > 0.33 * (now - greedyStart) && now - greedyStart > 200) continue;
        this.reduce(extra, [role], now + Math.max(10, 0.05 * this.timeLeft()));
        reduceMs += this.clock() - now;
        out.push(...extra);
        if (extra.length) break; // the kernel changed shape: regrow candidates
      }
    }
  }

  /** Candidate pool (closed bicliques) for large inputs; built by `buildPool`. */
  pool: ConceptPool | null = null;
  /** Concepts of the pool by row (inverted index), for local re-covering. */
  private rowConcepts: Int32Array[] | null = null;

  /** Generate concept candidates for the currently uncovered edges, until the clock passes `until`. */
  buildPool(until: number, maxPairs: number): void {
    if (!this.pool) this.pool = new ConceptPool(this.m);
    generateCandidates(this.pool, this.uncov, this.clock, until, this.rng, maxPairs);
    this.rowConcepts = null;
  }

  private stamp: Int32Array = new Int32Array(0);
  private stampNo = 0;

  /**
   * Concepts of the pool that can cover an uncovered edge, when all uncovered edges lie in `rows`:
   * they contain one of the rows and one column that is uncovered somewhere in those rows.
   */
  private conceptsOfRows(rows: Int32Array): number[] {
    const pool = this.pool!;
    const { nR, W } = this.m;
    if (!this.rowConcepts) {
      const deg = new Int32Array(nR + 1);
      for (const c of pool.list) for (const r of c.rows) deg[r + 1]++;
      for (let r = 0; r < nR; r++) deg[r + 1] += deg[r];
      const flat = new Int32Array(deg[nR]);
      const fill = deg.slice(0, nR);
      pool.list.forEach((c, i) => {
        for (const r of c.rows) flat[fill[r]++] = i;
      });
      this.rowConcepts = Array.from({ length: nR }, (_, r) => flat.subarray(deg[r], deg[r + 1]));
    }
    if (this.stamp.length < pool.size) {
      this.stamp = new Int32Array(pool.size + 1024);
      this.stampNo = 0;
    }
    const st = this.stamp;
    const no = ++this.stampNo;
    const u = this.uncov;
    const ucol = new Uint32Array(W);
    for (const r of rows) for (let w = 0; w < W; w++) ucol[w] |= u[r * W + w];
    const ids: number[] = [];
    const index = this.rowConcepts;
    for (const r of rows) {
      const list = index[r];
      for (let j = 0; j < list.length; j++) {
        const i = list[j];
        if (st[i] === no) continue;
        st[i] = no;
        const c = pool.list[i];
        for (let k = 0; k < c.words.length; k++)
          if (c.masks[k] & ucol[c.words[k]]) {
            ids.push(i);
            break;
          }
      }
    }
    return ids;
  }

  /**
   * Lazy greedy over the concept pool with interleaved essential-role reductions (each bounded by a
   * share of the time left). `ids` restricts the candidates (default: the whole pool). Rows left
   * uncovered when the heap runs dry get their row closures added. At the deadline the rest is
   * covered by the fallback, so the cover is always exact.
   */
  conceptGreedy(
    out: KRole[],
    noise: number,
    ids?: number[],
    reduceShare = 0.33,
    hint?: Int32Array,
    initialGains?: Float64Array,
  ): void {
    const pool = this.pool!;
    const u = this.uncov;
    const gain = (i: number): number => (hint ? pool.gainIn(i, u, hint) : pool.gain(i, u));
    const rng = this.rng;
    const heap = new IntMaxHeap();
    const mult = new Map<number, number>();
    const push = (i: number, g0?: number): void => {
      const g = g0 ?? gain(i);
      if (g <= 0) return;
      const f = noise > 0 ? 1 + noise * rng() : 1;
      if (noise > 0) mult.set(i, f);
      heap.push(g * f, i);
    };
    const n = ids ? ids.length : pool.size;
    for (let j = 0; j < n; j++) {
      const i = ids ? ids[j] : j;
      push(i, initialGains?.[i]);
      if ((j & 255) === 255 && this.clock() > this.deadline) break;
    }
    const start = this.clock();
    let reduceMs = 0;
    let steps = 0;
    while (this.uncovCount > 0) {
      if ((++steps & 7) === 0 && this.clock() > this.deadline) {
        this.fallback(out);
        return;
      }
      if (!heap.size) {
        // complete the candidate set: the row closure of every row with an uncovered edge
        const { nR, W, rowWords } = this.m;
        for (let r = 0; r < nR; r++) {
          const wl = rowWords[r];
          for (let k = 0; k < wl.length; k++)
            if (u[r * W + wl[k]]) {
              const before = pool.size;
              const id = pool.addRowClosure(r);
              if (pool.size > before) this.rowConcepts = null;
              if (id >= 0) push(id);
              break;
            }
        }
        if (!heap.size) {
          this.fallback(out);
          return;
        }
      }
      const i = heap.pop();
      const g = gain(i);
      if (g <= 0) continue;
      const key = noise > 0 ? g * (mult.get(i) ?? 1) : g;
      if (key < heap.topKey()) {
        heap.push(key, i);
        continue;
      }
      this.uncovCount -= hint ? pool.coverIn(i, u, hint) : pool.cover(i, u);
      const role = pool.role(i);
      out.push(role);
      const now = this.clock();
      if (reduceShare <= 0 || (reduceMs > reduceShare * (now - start) && now - start > 100)) continue;
      this.reduce(out, [role], now + Math.max(5, 0.02 * this.timeLeft()));
      reduceMs += this.clock() - now;
    }
  }

  /** Candidate concepts for re-covering when every uncovered edge lies in `rows`. */
  localConcepts(rows: Int32Array): number[] {
    return this.conceptsOfRows(rows);
  }

  /** Per-edge coverage counts for the given roles (edge id via per-row rank). */
  edgeRank(): { wordBase: Int32Array } {
    const { rowBits } = this.m;
    const wordBase = new Int32Array(rowBits.length);
    let acc = 0;
    for (let i = 0; i < rowBits.length; i++) {
      wordBase[i] = acc;
      acc += pop(rowBits[i]);
    }
    return { wordBase };
  }

  /** Remove redundant roles and trim users/permissions covered elsewhere. Does not change coverage. */
  prune(roles: KRole[], fixedCount: number, trim: boolean, trimFixed = true): KRole[] {
    const { W, rowBits, edges } = this.m;
    const { wordBase } = this.edgeRank();
    const id = (r: number, c: number): number => {
      const i = r * W + (c >>> 5);
      return wordBase[i] + pop(rowBits[i] & ((1 << (c & 31)) - 1));
    };
    const cov = new Int32Array(edges);
    for (const role of roles) for (const r of role.rows) for (const c of role.cols) cov[id(r, c)]++;
    const keep: boolean[] = roles.map(() => true);
    const order = roles.map((_, i) => i).filter((i) => i >= fixedCount);
    order.sort((a, b) => roles[a].rows.length * roles[a].cols.length - roles[b].rows.length * roles[b].cols.length);
    for (const i of order) {
      const role = roles[i];
      let redundant = true;
      outer: for (const r of role.rows)
        for (const c of role.cols)
          if (cov[id(r, c)] < 2) {
            redundant = false;
            break outer;
          }
      if (redundant) {
        keep[i] = false;
        for (const r of role.rows) for (const c of role.cols) cov[id(r, c)]--;
      }
    }
    const kept = roles.filter((_, i) => keep[i]);
    if (!trim) return kept;
    for (let i = 0; i < roles.length; i++) {
      if (!keep[i] || (i < fixedCount && !trimFixed)) continue;
      const role = roles[i];
      // weight: original users / permissions behind each reduced row / column
      let changed = true;
      while (changed) {
        changed = false;
        // drop rows whose every pair is covered by another role (biggest saving first)
        for (let j = role.rows.length - 1; j >= 0 && role.rows.length > 1; j--) {
          const r = role.rows[j];
          if (role.cols.every((c) => cov[id(r, c)] >= 2)) {
            for (const c of role.cols) cov[id(r, c)]--;
            role.rows.splice(j, 1);
            changed = true;
          }
        }
        for (let j = role.cols.length - 1; j >= 0 && role.cols.length > 1; j--) {
          const c = role.cols[j];
          if (role.rows.every((r) => cov[id(r, c)] >= 2)) {
            for (const r of role.rows) cov[id(r, c)]--;
            role.cols.splice(j, 1);
            changed = true;
          }
        }
      }
    }
    return kept;
  }

  /**
   * Greedy lower bound: pairwise incompatible edges, smallest compatible neighbourhood first.
   * Keys: the size of the compatible neighbourhood M(e) while time allows (checked by work done, so a
   * long column cannot overrun the budget), else |row| * |col|. Each greedy pass sorts packed
   * (key, edge) numbers, and tests a new edge against the selected ones by the cheapest of three
   * routes: all selected edges, the selected edges in the rows of its column, or in the columns of its row.
   * A partial set of pairwise incompatible edges is still a valid bound, so any pass may stop at the clock.
   */
  lowerBound(budgetMs: number): number {
    const { nR, nC, W, rowBits, rowWords, rowCols, colRows } = this.m;
    const begin = this.clock();
    const stop = Math.min(this.deadline, begin + budgetMs);
    const scoreStop = Math.min(stop, begin + budgetMs / 2);
    const E = this.m.edges;
    const er = new Int32Array(E);
    const ec = new Int32Array(E);
    const score = new Float64Array(E);
    let e = 0;
    for (let r = 0; r < nR; r++)
      for (const c of rowCols[r]) {
        er[e] = r;
        ec[e] = c;
        score[e] = rowCols[r].length * colRows[c].length;
        e++;
      }
    // exact neighbourhood sizes, in random order of rows if they cannot all be afforded
    let work = 0;
    let exact = true;
    const rowStart = new Int32Array(nR + 1);
    for (let r = 0; r < nR; r++) rowStart[r + 1] = rowStart[r] + rowCols[r].length;
    const exactScore = new Float64Array(E);
    for (let r = 0; r < nR && exact; r++) {
      const wl = rowWords[r];
      const rb = r * W;
      for (let i = rowStart[r]; i < rowStart[r + 1]; i++) {
        const col = colRows[ec[i]];
        let sc = 0;
        for (const r2 of col) {
          const b2 = r2 * W;
          for (let k = 0; k < wl.length; k++) sc += pop(rowBits[b2 + wl[k]] & rowBits[rb + wl[k]]);
        }
        exactScore[i] = sc;
        work += col.length * wl.length + 1;
        if (work > 200_000) {
          work = 0;
          if (this.clock() > scoreStop) {
            exact = false;
            break;
          }
        }
      }
    }
    if (exact) score.set(exactScore);
    const has = (r: number, c: number): boolean => ((rowBits[r * W + (c >>> 5)] >>> (c & 31)) & 1) === 1;
    const packed = new Float64Array(E);
    const selRow: number[][] = Array.from({ length: nR }, () => []); // selected edges' columns by row
    const selCol: number[][] = Array.from({ length: nC }, () => []); // selected edges' rows by column
    let best = 0;
    const sr: number[] = [];
    const sc: number[] = [];
    const SHIFT = 4194304; // 2^22 > any edge count the packing is used for
    const canPack = E < SHIFT;
    const order = canPack ? null : Array.from({ length: E }, (_, i) => i);
    const run = (keys: Float64Array): number => {
      if (canPack) {
        for (let i = 0; i < E; i++) packed[i] = Math.min(Math.floor(keys[i]), 2 ** 30) * SHIFT + i;
        packed.sort();
      } else order!.sort((a, b) => keys[a] - keys[b]);
      for (let i = 0; i < sr.length; i++) {
        selRow[sr[i]].length = 0;
        selCol[sc[i]].length = 0;
      }
      sr.length = 0;
      sc.length = 0;
      let steps = 0;
      for (let j = 0; j < E; j++) {
        const i = canPack ? packed[j] % SHIFT : order![j];
        const r = er[i];
        const c = ec[i];
        const col = colRows[c];
        const row = rowCols[r];
        let ok = true;
        if (sr.length <= col.length && sr.length <= row.length) {
          for (let s = 0; s < sr.length; s++)
            if (has(sr[s], c) && has(r, sc[s])) {
              ok = false;
              break;
            }
          steps += sr.length;
        } else if (col.length <= row.length) {
          // selected (r2, c2) with r2 in col(c): incompatible unless (r, c2) is missing
          outer: for (const r2 of col) {
            const l = selRow[r2];
            for (let s = 0; s < l.length; s++)
              if (has(r, l[s])) {
                ok = false;
                break outer;
              }
          }
          steps += col.length;
        } else {
          outer2: for (const c2 of row) {
            const l = selCol[c2];
            for (let s = 0; s < l.length; s++)
              if (has(l[s], c)) {
                ok = false;
                break outer2;
              }
          }
          steps += row.length;
        }
        if (ok) {
          sr.push(r);
          sc.push(c);
          selRow[r].push(c);
          selCol[c].push(r);
        }
        if (steps > 100_000) {
          steps = 0;
          if (this.clock() > stop) return sr.length;
        }
      }
      return sr.length;
    };
    best = run(score);
    const keys = new Float64Array(E);
    let tries = 0;
    while (this.clock() < stop && tries < 200) {
      tries++;
      const amp = 0.1 + 0.5 * this.rng();
      for (let i = 0; i < E; i++) keys[i] = score[i] * (1 + amp * this.rng());
      const v = run(keys);
      if (v > best) best = v;
    }
    return best;
  }

}

// ---------------------------------------------------------------------------------------------
// public API

/**
 * Mine a minimum-ish set of roles from dense indices: pair i is (us[i], ps[i]),
 * 0 <= us[i] < nUsers, 0 <= ps[i] < nPerms. Duplicates are allowed.
 */
function transposeReduced(m: Reduced): Reduced {
  const nR = m.nC;
  const nC = m.nR;
  const W = Math.max(1, (nC + 31) >>> 5);
  const rowBits = new Uint32Array(nR * W);
  const rowWords: Int32Array[] = [];
  for (let r = 0; r < nR; r++) {
    const base = r * W;
    for (const c of m.colRows[r]) rowBits[base + (c >>> 5)] |= 1 << (c & 31);
    const words: number[] = [];
    for (let w = 0; w < W; w++) if (rowBits[base + w]) words.push(w);
    rowWords.push(Int32Array.from(words));
  }
  return {
    nR,
    nC,
    W,
    rowBits,
    rowWords,
    rowCols: m.colRows,
    colRows: m.rowCols,
    rowUsers: m.colPerms,
    colPerms: m.rowUsers,
    edges: m.edges,
  };
}

interface Phase {
  s: Solver;
  fixed: KRole[];
  kernel: KRole[];
  afterFixed: Uint32Array;
  afterFixedCount: number;
}

/** Essential roles then greedy on one orientation of the matrix, within the solver's deadline. */
function firstSolution(s: Solver): Phase {
  s.resetUncovered();
  const fixed: KRole[] = [];
  s.reduce(fixed, undefined, s.clock0() + Math.max(20, 0.3 * s.timeLeft()));
  const afterFixed = s.uncov.slice();
  const afterFixedCount = s.uncovCount;
  const kernel: KRole[] = [];
  s.greedy(kernel, 0, 20_000);
  return {
    s,
    fixed,
    kernel: s.prune([...fixed, ...kernel], fixed.length, false).slice(fixed.length),
    afterFixed,
    afterFixedCount,
  };
}

/** Iterated greedy (ruin and recreate) on the kernel until the deadline or the lower bound. */
function improve(ph: Phase, lb: number, rng: () => number, report: (phase: string, roles: number) => void): void {
  const { s, fixed, afterFixed, afterFixedCount } = ph;
  let kernel = ph.kernel;
  let iter = 0;
  while (kernel.length > 0 && fixed.length + kernel.length > lb && s.timeLeft() > 0) {
    iter++;
    // ruin: a random role and the roles sharing rows or columns with it, capped
    const pick = kernel[Math.floor(rng() * kernel.length)];
    const rowSet = new Set(pick.rows);
    const colSet = new Set(pick.cols);
    const cap = Math.max(2, Math.min(kernel.length, 2 + Math.floor(rng() * Math.min(12, kernel.length))));
    const scored = kernel.map((role, i) => {
      let shared = 0;
      for (const r of role.rows) if (rowSet.has(r)) shared++;
      for (const c of role.cols) if (colSet.has(c)) shared++;
      return { i, key: role === pick ? Infinity : shared + rng() * 0.5 };
    });
    scored.sort((a, b) => b.key - a.key);
    const drop = new Set(scored.slice(0, cap).map((x) => x.i));
    if (rng() < 0.2) for (let i = 0; i < kernel.length; i++) if (rng() < 0.05) drop.add(i);
    const kept = kernel.filter((_, i) => !drop.has(i));
    s.uncov.set(afterFixed);
    s.uncovCount = afterFixedCount;
    for (const role of kept) s.cover(role);
    const add: KRole[] = [];
    const dropped = kernel.filter((_, i) => drop.has(i));
    s.greedy(add, 0.3 + 0.4 * rng(), 20_000, dropped.length < kernel.length ? dropped : undefined);
    if (s.uncovCount !== 0) break; // cannot happen (fallback covers), but never accept a partial cover
    let cand = [...kept, ...add];
    if (cand.length <= kernel.length + 1) cand = s.prune([...fixed, ...cand], fixed.length, false).slice(fixed.length);
    if (cand.length < kernel.length) report("improved", fixed.length + cand.length);
    if (cand.length <= kernel.length) kernel = cand;
    if (iter > 10_000_000) break;
  }
  ph.kernel = kernel;
}

/**
 * Large inputs: essential roles (bounded), then a concept pool (row closures, column closures,
 * pairwise intersections) and a lazy greedy over it with interleaved reductions.
 */
function firstSolutionLarge(s: Solver): Phase {
  s.resetUncovered();
  const fixed: KRole[] = [];
  s.reduce(fixed, undefined, s.clock0() + Math.max(20, 0.15 * s.timeLeft()));
  const afterFixed = s.uncov.slice();
  const afterFixedCount = s.uncovCount;
  s.buildPool(s.clock0() + Math.max(20, 0.25 * s.timeLeft()), 200_000);
  const kernel: KRole[] = [];
  s.conceptGreedy(kernel, 0);
  return {
    s,
    fixed,
    // trimmed roles keep the neighbourhoods of the improvement phase small
    kernel: s.prune([...fixed, ...kernel], fixed.length, true, false).slice(fixed.length),
    afterFixed,
    afterFixedCount,
  };
}

/** Iterated greedy on the kernel with the concept pool: ruin a neighbourhood, re-cover it lazily. */
function improveLarge(ph: Phase, lb: number, rng: () => number, report: (phase: string, roles: number) => void): void {
  const { s, fixed, afterFixed } = ph;
  const { W, nR } = s.m;
  const u = s.uncov;
  const inRegion = new Uint8Array(nR);
  let kernel = ph.kernel;
  while (kernel.length > 0 && fixed.length + kernel.length > lb && s.timeLeft() > 0) {
    const pick = kernel[Math.floor(rng() * kernel.length)];
    const rowSet = new Set(pick.rows);
    const colSet = new Set(pick.cols);
    const cap = Math.max(2, Math.min(kernel.length, 2 + Math.floor(rng() * Math.min(12, kernel.length))));
    const scored = kernel.map((role, i) => {
      let shared = 0;
      for (const r of role.rows) if (rowSet.has(r)) shared++;
      for (const c of role.cols) if (colSet.has(c)) shared++;
      return { i, key: role === pick ? Infinity : shared / Math.sqrt(role.rows.length * role.cols.length) + rng() * 0.5 };
    });
    scored.sort((a, b) => b.key - a.key);
    const drop = new Set(scored.slice(0, cap).map((x) => x.i));
    const kept = kernel.filter((_, i) => !drop.has(i));
    // the cover was complete: only edges of dropped roles (not covered by fixed roles) can be uncovered
    const region: number[] = [];
    for (const i of drop)
      for (const r of kernel[i].rows)
        if (!inRegion[r]) {
          inRegion[r] = 1;
          region.push(r);
          u.fill(0, r * W, r * W + W);
        }
    for (const i of drop)
      for (const r of kernel[i].rows) {
        const b = r * W;
        for (const c of kernel[i].cols) u[b + (c >>> 5)] |= afterFixed[b + (c >>> 5)] & (1 << (c & 31));
      }
    for (const role of kept)
      for (const r of role.rows)
        if (inRegion[r]) {
          const b = r * W;
          for (const c of role.cols) u[b + (c >>> 5)] &= ~(1 << (c & 31));
        }
    let count = 0;
    const hintRows: number[] = [];
    for (const r of region) {
      inRegion[r] = 0;
      let any = 0;
      for (let w = 0; w < W; w++) {
        const x = u[r * W + w];
        if (x) {
          any = 1;
          count += pop(x);
        }
      }
      if (any) hintRows.push(r);
    }
    s.uncovCount = count;
    const hint = Int32Array.from(hintRows);
    const add: KRole[] = [];
    const lc = s.localConcepts(hint);
    if (count > 0) s.conceptGreedy(add, 0.3 * rng(), lc, 0.33, hint);
    if (s.uncovCount !== 0) break;
    let cand = [...kept, ...add];
    // trimming edits roles in place: work on copies of the kept roles (the kernel must stay intact if rejected)
    if (cand.length <= kernel.length + 1)
      cand = s
        .prune([...fixed, ...kept.map((r) => ({ rows: r.rows.slice(), cols: r.cols.slice() })), ...add], fixed.length, true, false)
        .slice(fixed.length);
    if (cand.length < kernel.length) report("improved", fixed.length + cand.length);
    if (cand.length <= kernel.length) kernel = cand;
  }
  ph.kernel = kernel;
}


/**
 * Mine a minimum-ish set of roles from dense indices: pair i is (us[i], ps[i]),
 * 0 <= us[i] < nUsers, 0 <= ps[i] < nPerms. Duplicates are allowed.
 * Both orientations (users x permissions and its transpose) get a first solution; the better one
 * is improved with the remaining time.
 */
export function mineRolesIndexed(
  nUsers: number,
  nPerms: number,
  us: ArrayLike<number>,
  ps: ArrayLike<number>,
  options: MineOptions = {},
): IndexedMineResult {
  const clock = options.clock ?? defaultClock;
  const t0 = clock();
  const budget = options.timeLimitMs ?? 10_000;
  // keep a reserve for the final trimming and the expansion to original ids (grows with the input)
  const deadline = t0 + budget - Math.min(0.15 * budget, 10 + 1e-4 * us.length);
  const rng = mulberry32(options.seed ?? 12345);
  const m = buildReduced(nUsers, nPerms, us, ps);
  let assignments = 0;
  for (let r = 0; r < m.nR; r++) {
    let k = 0;
    for (const c of m.rowCols[r]) k += m.colPerms[c].length;
    assignments += k * m.rowUsers[r].length;
  }
  if (m.nR === 0) {
    return { roles: [], lowerBound: 0, optimal: true, reducedUsers: 0, reducedPermissions: 0, essentialRoles: 0, assignments: 0 };
  }
  const sA = new Solver(m, clock, deadline, rng);
  // the lower bound only stops the search early: on the concept path it comes after the first
  // solution, so that a large input gets a good cover before anything else
  let lb = 0;
  const report = (phase: string, roles: number): void =>
    options.onProgress?.(phase, { roles, lowerBound: lb, ms: clock() - t0 });
  const lowerBound = (): void => {
    lb = Math.max(lb, sA.lowerBound(Math.max(50, budget * 0.1)));
    report("lower-bound", 0);
  };
  const strategy = options.strategy ?? "auto";

  // Exact path first (exact.ts): reductions to a kernel, then exact search on it (its colouring
  // heuristics give the cover when the search cannot finish). Only when the kernel is out of its
  // reach do the heuristics below run.
  let exactRes: ExactResult | null = null;
  if (strategy === "auto" || strategy === "exact") {
    // The kernel search may use the whole budget. The reductions are allowed to finish even past it
    // (up to 2.5 budgets: on a loaded machine they may need more wall time than the budget, and
    // without them the cover is far worse) while their pace, checked from half the budget on,
    // projects their end before that; if they stop early and leave a kernel too large to make
    // explicit, the heuristics below take over with the time left.
    exactRes = solveExact(m, {
      clock,
      deadline,
      reduceUntil: t0 + 2.5 * budget,
      reduceSoft: t0 + 0.5 * budget,
      rng,
    });
    if (exactRes) {
      lb = exactRes.lowerBound;
      report("exact", exactRes.roles.length);
    }
  }
  let all: KRole[];
  let mm: Reduced = m;
  let transposed = false;
  let essentialRoles = 0;
  if (exactRes) {
    all = sA.prune(exactRes.roles.map((r) => ({ rows: r.rows.slice(), cols: r.cols.slice() })), 0, true);
    essentialRoles = exactRes.essential;
  } else {
    // Portfolio: the concept-pool greedy first (fast, scales); on small reduced matrices also the
    // grow greedy in both orientations; the best first solution is improved with the time left.
    const size = phaseSize;
    let best: Phase | null = null;
    let bestIsConcepts = false;
    if (strategy !== "grow") {
      sA.deadline = clock() + (strategy === "concepts" ? 0.6 : 0.45) * (deadline - clock());
      best = firstSolutionLarge(sA);
      bestIsConcepts = true;
      report("greedy", size(best));
    }
    sA.deadline = deadline;
    lowerBound();
    const growToo = strategy === "grow" || (strategy === "auto" && m.edges <= GROW_MAX_EDGES);
    // Without any solution yet, grow one even past the deadline: the answer must be an exact cover.
    if (growToo && (!best || (size(best) > lb && clock() < deadline))) {
      const sG = best ? new Solver(m, clock, deadline, rng) : sA;
      sG.deadline = clock() + 0.45 * (deadline - clock());
      const g = firstSolution(sG);
      report("greedy-grow", size(g));
      if (!best || size(g) < size(best)) {
        best = g;
        bestIsConcepts = false;
      }
      if (size(best) > lb && clock() < deadline) {
        const mT = transposeReduced(m);
        const sB = new Solver(mT, clock, clock() + 0.5 * (deadline - clock()), rng);
        const other = firstSolution(sB);
        report("greedy-transposed", size(other));
        if (size(other) < size(best)) {
          best = other;
          bestIsConcepts = false;
          transposed = true;
        }
      }
    }
    best = best!;
    best.s.deadline = deadline;
    if (bestIsConcepts) improveLarge(best, lb, rng, report);
    else improve(best, lb, rng, report);
    const fixed = best.fixed;
    essentialRoles = fixed.length;

    // trim for fewer |UA|+|PA| (weights are equal per reduced row/column, good enough)
    all = best.s.prune([...fixed, ...best.kernel], fixed.length, true);
    mm = best.s.m;
  }
  // never worse than the trivial covers (one role per reduced row, or per reduced column)
  if (all.length > Math.min(mm.nR, mm.nC)) {
    all =
      mm.nR <= mm.nC
        ? mm.rowCols.map((cols, r) => ({ rows: [r], cols: Array.from(cols) }))
        : mm.colRows.map((rows, c) => ({ rows: Array.from(rows), cols: [c] }));
  }

  const roles: IndexedRole[] = all.map((role) => {
    const a: number[] = [];
    for (const r of role.rows) for (const x of mm.rowUsers[r]) a.push(x);
    const b: number[] = [];
    for (const c of role.cols) for (const p of mm.colPerms[c]) b.push(p);
    a.sort((x, y) => x - y);
    b.sort((x, y) => x - y);
    return transposed ? { users: b, permissions: a } : { users: a, permissions: b };
  });
  report("done", roles.length);
  return {
    roles,
    lowerBound: lb,
    optimal: roles.length === lb,
    reducedUsers: m.nR,
    reducedPermissions: m.nC,
    essentialRoles,
    assignments,
    kernelEdges: exactRes?.kernelEdges,
  };
}

/** Mine roles from string pairs; ids come back exactly as given. */
export function mineRoles(pairs: ReadonlyArray<readonly [string, string]>, options: MineOptions = {}): MineResult {
  const clock = options.clock ?? defaultClock;
  const t0 = clock();
  const userIdx = new Map<string, number>();
  const permIdx = new Map<string, number>();
  const users: string[] = [];
  const perms: string[] = [];
  const us = new Int32Array(pairs.length);
  const ps = new Int32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const [u, p] = pairs[i];
    let a = userIdx.get(u);
    if (a === undefined) {
      a = users.length;
      userIdx.set(u, a);
      users.push(u);
    }
    let b = permIdx.get(p);
    if (b === undefined) {
      b = perms.length;
      permIdx.set(p, b);
      perms.push(p);
    }
    us[i] = a;
    ps[i] = b;
  }
  const res = mineRolesIndexed(users.length, perms.length, us, ps, options);
  const roles: MinedRole[] = res.roles.map((r) => ({
    users: r.users.map((i) => users[i]),
    permissions: r.permissions.map((i) => perms[i]),
  }));
  let edges = 0;
  for (const r of roles) edges += r.users.length + r.permissions.length;
  return {
    roles,
    users: users.length,
    permissions: perms.length,
    assignments: res.assignments,
    lowerBound: res.lowerBound,
    optimal: res.optimal,
    edges,
    seconds: (clock() - t0) / 1000,
  };
}

/**
 * Check that roles reproduce the pairs exactly. Returns null when exact, else a description of the
 * first missing or extra pair. O(|UPA| + sum of |users|*|permissions| over roles).
 */
export function verifyExactCover(
  pairs: ReadonlyArray<readonly [string, string]>,
  roles: ReadonlyArray<{ users: readonly string[]; permissions: readonly string[] }>,
): string | null {
  const want = new Map<string, Set<string>>();
  for (const [u, p] of pairs) {
    let s = want.get(u);
    if (!s) want.set(u, (s = new Set()));
    s.add(p);
  }
  const got = new Map<string, Set<string>>();
  for (const role of roles) {
    for (const u of role.users) {
      const w = want.get(u);
      let g = got.get(u);
      if (!g) got.set(u, (g = new Set()));
      for (const p of role.permissions) {
        if (!w || !w.has(p)) return `extra pair (${u}, ${p})`;
        g.add(p);
      }
    }
  }
  for (const [u, s] of want) {
    const g = got.get(u);
    if (!g || g.size !== s.size) {
      for (const p of s) if (!g || !g.has(p)) return `missing pair (${u}, ${p})`;
    }
  }
  return null;
}

/**
 * Indexed variant of `verifyExactCover`: users are 0..nUsers-1, pair i = (us[i], ps[i]).
 * Uses one sorted key array; O((|UPA| + covered pairs) log |UPA|).
 */
export function verifyExactCoverIndexed(
  nPerms: number,
  us: ArrayLike<number>,
  ps: ArrayLike<number>,
  roles: ReadonlyArray<IndexedRole>,
): string | null {
  const keys = new Float64Array(us.length);
  for (let i = 0; i < us.length; i++) keys[i] = us[i] * nPerms + ps[i];
  keys.sort();
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) keys[n++] = keys[i];
  const seen = new Uint8Array(n);
  const find = (k: number): number => {
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = keys[mid];
      if (v === k) return mid;
      if (v < k) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  for (const role of roles)
    for (const u of role.users)
      for (const p of role.permissions) {
        const i = find(u * nPerms + p);
        if (i < 0) return `extra pair (${u}, ${p})`;
        seen[i] = 1;
      }
  for (let i = 0; i < n; i++)
    if (!seen[i]) return `missing pair (${Math.floor(keys[i] / nPerms)}, ${keys[i] % nPerms})`;
  return null;
}

/** Parse the shared data-set format: one `user permission` pair per line, whitespace separated. */
export function parsePairs(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const parts = line.split(/[\s,;]+/);
    if (parts.length < 2) throw new Error(`line ${i + 1}: expected "user permission", got "${line}"`);
    out.push([parts[0], parts[1]]);
  }
  return out;
}
