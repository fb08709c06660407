/**
 * Exact role minimisation (minimum biclique cover) by reduction to a small kernel.
 *
 * Inputs:  a reduced 0/1 matrix (`Reduced` from role-mining.ts: distinct rows x distinct columns as
 *          bitsets), a clock and a deadline, a seeded random generator.
 * Outputs: roles as (rows, columns) of the reduced matrix whose union is exactly the matrix, a lower
 *          bound on the number of roles, whether the cover is proven minimum, and kernel statistics.
 *          Returns null when the kernel is too large for the explicit phase (the caller then uses
 *          its heuristics).
 * Method (after the reductions of Ene, Horne, Milosavljevic, Rao, Schreiber and Tarjan, SACMAT 2008;
 * reimplemented from the idea, no code copied):
 *  Two edges (r,c), (r',c') of the matrix are compatible iff (r,c') and (r',c) are edges too. A set of
 *  pairwise compatible edges spans a biclique (rows x columns of the set lie in the matrix), so a
 *  minimum cover of the still uncovered edges U is a minimum clique partition of the compatibility
 *  graph G[U]. Already covered edges are "don't care": any role may contain them.
 *  1. Implicit reductions (bitsets, no graph): for e in U let N(e) = uncovered edges compatible with e.
 *     a. simplicial: N(e) spans a biclique -> that biclique is in some minimum cover: take it.
 *     b. dominance: N(e) is a subset of N(f) (f != e) -> every role holding e can take f as well, so f
 *        is dropped from U and reattached at the end to the role that holds e.
 *     Both are tested from the footprint of N(e): its rows and columns. To a fixpoint, with a worklist.
 *  2. The uncovered kernel is made explicit (adjacency bitsets), split into connected components of G,
 *     and each component is reduced again on the graph: simplicial vertices, dominated vertices, and
 *     vertices with fewer incompatible neighbours than the component's lower bound (they always find
 *     a role later).
 *  3. Per component: lower bound = a large set of pairwise incompatible edges (a clique of the
 *     incompatibility graph H; greedy restarts and an exact branch and bound on small graphs); upper
 *     bound = DSATUR colouring of H with restarts and tabu search; if they differ, an exact DSATUR
 *     branch and bound within the time budget.
 *  4. Removed vertices and edges are put back in reverse order (each into a role it fits, which the
 *     reduction rule guarantees), and every role becomes the biclique its edges span.
 * Lower bound printed = essential roles + sum over components of their bounds (valid because the
 * components are independent and each reduction preserves the optimum).
 * Complexity: reductions O(|U| * (|col| + |rows of N(e)|) * words of a row) per pass; explicit phase
 * O(K^2 / 32) memory for K kernel edges (skipped above MAX_KERNEL); searches are bounded by the clock.
 */
import type { Reduced } from "./role-mining";

export interface ExactRole {
  rows: number[];
  cols: number[];
}

export interface ExactResult {
  roles: ExactRole[];
  lowerBound: number;
  optimal: boolean;
  /** Roles taken by the implicit reductions. */
  essential: number;
  /** Uncovered edges left after the implicit reductions. */
  kernelEdges: number;
  /** Edges left after the graph reductions, in components still needing search. */
  coreEdges: number;
  components: number;
}

export interface ExactOptions {
  clock: () => number;
  deadline: number;
  rng: () => number;
  /**
   * The implicit reductions may run past `deadline` up to here (they are what makes the answer good).
   * Default: `deadline`.
   */
  reduceUntil?: number;
  /** Before this, the reductions always go on; after it, only while their pace projects an end before `reduceUntil`. */
  reduceSoft?: number;
  /** Largest kernel (edges) made explicit. */
  maxKernel?: number;
}

/** Kernels larger than this are left to the heuristics (memory ~ K^2/8 bytes per component). */
export const MAX_KERNEL = 16_000;

function pop(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) >>> 0;
}

function bitIndex(t: number): number {
  return 31 - Math.clz32(t);
}

// ---------------------------------------------------------------------------------------------
// 1. implicit reductions

/** A role under construction: its generating edges (keys r * nC + c); the role is their span. */
type Gen = number[];

interface Implicit {
  U: Uint32Array;
  fixed: Gen[];
  /** dropped edge f and the edge e that dominates it, in order of removal */
  dropped: number[];
  dominator: number[];
  complete: boolean;
}

/**
 * Rows of column c with an uncovered edge inside row r (into `out`), and their union (into CE).
 * Rows without any uncovered edge are dropped from the live column list on the way.
 */
function footprint(
  U: Uint32Array,
  rowBits: Uint32Array,
  W: number,
  col: Int32Array,
  liveLen: Int32Array,
  c: number,
  ucount: Int32Array,
  wl: Int32Array,
  rb: number,
  CE: Uint32Array,
  out: Int32Array,
): number {
  const L = wl.length;
  for (let j = 0; j < L; j++) CE[j] = 0;
  let n = 0;
  let len = liveLen[c];
  for (let i = 0; i < len; i++) {
    const r2 = col[i];
    if (ucount[r2] === 0) {
      col[i--] = col[--len];
      col[len] = r2;
      continue;
    }
    const b2 = r2 * W;
    let any = 0;
    for (let j = 0; j < L; j++) {
      const w = wl[j];
      const z = U[b2 + w] & rowBits[rb + w];
      CE[j] |= z;
      any |= z;
    }
    if (any !== 0) out[n++] = r2;
  }
  liveLen[c] = len;
  return n;
}

/**
 * Rows (of rows[0..n)) holding every column of CE, into `out`; BE becomes the columns of CE held by
 * every one of the rows. Words are those of row r (`wl`), restricted to the positions `cw`.
 */
function fullRowsOf(rowBits: Uint32Array, W: number, rows: Int32Array, n: number, wl: Int32Array, cw: Int32Array, CE: Uint32Array, BE: Uint32Array, out: Int32Array): number {
  for (let q = 0; q < cw.length; q++) BE[cw[q]] = CE[cw[q]];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const b2 = rows[i] * W;
    let bad = 0;
    for (let q = 0; q < cw.length; q++) {
      const j = cw[q];
      const rw = rowBits[b2 + wl[j]];
      BE[j] &= rw;
      bad |= CE[j] & ~rw;
    }
    if (bad === 0) out[k++] = rows[i];
  }
  return k;
}

/**
 * Simplicial and dominance reductions to a fixpoint. They stop at `hardUntil`, and after `softUntil`
 * as soon as their pace (edges resolved so far per unit of time) projects an end past `hardUntil` (on
 * inputs without structure, e.g. random matrices, they resolve little and would only use up the time).
 */
function implicitReduce(m: Reduced, clock: () => number, softUntil: number, hardUntil: number = softUntil): Implicit {
  const { nR, nC, W, rowBits, rowWords, colRows } = m;
  const U = rowBits.slice();
  const fixed: Gen[] = [];
  const dropped: number[] = [];
  const dominator: number[] = [];
  let maxL = 1;
  for (const wl of rowWords) maxL = Math.max(maxL, wl.length);
  const CE = new Uint32Array(maxL); // columns of N(e), over the words of row r
  const BE = new Uint32Array(maxL); // columns c' whose column holds every row of N(e)
  const rowsE: number[] = [];
  let maxCol = 1;
  for (const col of colRows) maxCol = Math.max(maxCol, col.length);
  const rowsBuf = new Int32Array(maxCol);
  // live column lists (rows with some uncovered edge first) and uncovered edges per row
  const liveCol = colRows.map((col) => col.slice());
  const liveLen = Int32Array.from(colRows, (col) => col.length);
  const ucount = Int32Array.from(m.rowCols, (cols) => cols.length);
  const fullBuf = new Int32Array(maxCol);
  const dirty = new Uint8Array(nR);
  // dirty rows, first pass smallest rows first: small rows are cheap to examine, and their simplicial
  // roles and dominated edges shrink the footprints of the big ones; then first in, first out
  const queue: number[] = Array.from({ length: nR }, (_, r) => r);
  queue.sort((a, b) => m.rowCols[a].length - m.rowCols[b].length);
  dirty.fill(1);
  let head = 0;
  const markCol = (c: number): void => {
    for (const r of colRows[c])
      if (!dirty[r]) {
        dirty[r] = 1;
        queue.push(r);
      }
  };
  const colMark = new Uint8Array(nC);
  const touched: number[] = [];
  const touch = (c: number): void => {
    if (!colMark[c]) {
      colMark[c] = 1;
      touched.push(c);
    }
  };
  const flushTouched = (): void => {
    for (const c of touched) {
      colMark[c] = 0;
      markCol(c);
    }
    touched.length = 0;
  };
  // Rows to re-examine are marked once per processed row (columns touched while it was processed).
  const cw: number[] = []; // positions j with CE[j] != 0
  let coveredCount = 0;
  const start = clock();
  // past softUntil: go on only while the pace so far projects the end before hardUntil
  const worthGoingOn = (): boolean => {
    const now = clock();
    if (now > hardUntil) return false;
    const done = dropped.length + coveredCount;
    return done > 0 && start + ((now - start) * m.edges) / done <= hardUntil;
  };
  let steps = 0;
  while (head < queue.length) {
    const r = queue[head++];
    dirty[r] = 0;
    const rb = r * W;
    const wl = rowWords[r];
    const L = wl.length;
    let anyU = 0;
    for (let k = 0; k < L; k++) anyU |= U[rb + wl[k]];
    if (!anyU) continue;
    for (let k = 0; k < L; k++) {
      const w = wl[k];
      let x = U[rb + w];
      while (x) {
        const t = x & -x;
        x ^= t;
        if (!(U[rb + w] & t)) continue;
        const c = (w << 5) + bitIndex(t);
        if ((++steps & 31) === 0 && clock() > softUntil && !worthGoingOn()) {
          for (const c2 of touched) colMark[c2] = 0;
          for (let i = head; i < queue.length; i++) dirty[queue[i]] = 0;
          return { U, fixed, dropped, dominator, complete: false };
        }
        // footprint of N(e): rows with an uncovered edge inside row(r), and the union of those edges
        const nE = footprint(U, rowBits, W, liveCol[c], liveLen, c, ucount, wl, rb, CE, rowsBuf);
        rowsE.length = 0;
        for (let i = 0; i < nE; i++) rowsE.push(rowsBuf[i]);
        cw.length = 0;
        for (let j = 0; j < L; j++) if (CE[j]) cw.push(j);
        const cwA = Int32Array.from(cw);
        // rows of N(e) holding every column of N(e) (candidates r' of dominated edges), and the
        // columns of N(e) held by every row of N(e) (candidates c')
        const nFull = fullRowsOf(rowBits, W, rowsBuf, nE, wl, cwA, CE, BE, fullBuf);
        const fullRows: number[] = [];
        for (let i = 0; i < nFull; i++) fullRows.push(fullBuf[i]);
        if (fullRows.length === rowsE.length) {
          // simplicial: take rowsE x CE
          const gen: Gen = [];
          for (const r2 of rowsE) {
            const b2 = r2 * W;
            for (const j of cw) {
              let y = U[b2 + wl[j]] & CE[j];
              if (!y) continue;
              U[b2 + wl[j]] &= ~y;
              ucount[r2] -= pop(y);
              while (y) {
                const tt = y & -y;
                y ^= tt;
                gen.push(r2 * nC + (wl[j] << 5) + bitIndex(tt));
              }
            }
          }
          fixed.push(gen);
          coveredCount += gen.length;
          for (const j of cw) {
            let y = CE[j];
            while (y) {
              const tt = y & -y;
              y ^= tt;
              touch((wl[j] << 5) + bitIndex(tt));
            }
          }
        } else {
          // dominated edges: uncovered, in fullRows x BE, other than e
          const eKey = r * nC + c;
          for (const r2 of fullRows) {
            const b2 = r2 * W;
            for (const j of cw) {
              let y = U[b2 + wl[j]] & BE[j];
              if (r2 === r && wl[j] === w) y &= ~t;
              if (!y) continue;
              U[b2 + wl[j]] &= ~y;
              ucount[r2] -= pop(y);
              while (y) {
                const tt = y & -y;
                y ^= tt;
                const c2 = (wl[j] << 5) + bitIndex(tt);
                dropped.push(r2 * nC + c2);
                dominator.push(eKey);
                touch(c2);
              }
            }
          }
        }
        x &= U[rb + w];
      }
    }
    flushTouched();
    if (head > 65536 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  }
  return { U, fixed, dropped, dominator, complete: true };
}

// ---------------------------------------------------------------------------------------------
// 2./3. explicit kernel: graph reductions and colouring of the incompatibility graph per component

/** Undirected graph on 0..n-1 as adjacency bitsets (row i: words i*nw .. i*nw+nw-1). */
export class BitGraph {
  readonly n: number;
  readonly nw: number;
  readonly adj: Uint32Array;
  constructor(n: number) {
    this.n = n;
    this.nw = Math.max(1, (n + 31) >>> 5);
    this.adj = new Uint32Array(n * this.nw);
  }
  has(i: number, j: number): boolean {
    return ((this.adj[i * this.nw + (j >>> 5)] >>> (j & 31)) & 1) === 1;
  }
  set(i: number, j: number): void {
    this.adj[i * this.nw + (j >>> 5)] |= 1 << (j & 31);
    this.adj[j * this.nw + (i >>> 5)] |= 1 << (i & 31);
  }
}

function listBits(bits: Uint32Array, off: number, nw: number, out: number[]): number[] {
  out.length = 0;
  for (let w = 0; w < nw; w++) {
    let x = bits[off + w];
    while (x) {
      const t = x & -x;
      x ^= t;
      out.push((w << 5) + bitIndex(t));
    }
  }
  return out;
}

/**
 * Greedy independent sets of G (= cliques of the incompatibility graph H) among `alive`, with
 * random restarts until `until`: smallest remaining G-degree first.
 */
export function greedyIndependent(g: BitGraph, alive: number[], rng: () => number, clock: () => number, until: number, restarts: number): number[] {
  const { nw, adj } = g;
  let best: number[] = [];
  const cand = new Uint32Array(nw);
  const deg = new Float64Array(g.n);
  const inAlive = new Uint32Array(nw);
  for (const v of alive) inAlive[v >>> 5] |= 1 << (v & 31);
  for (const v of alive) {
    let d = 0;
    for (let w = 0; w < nw; w++) d += pop(adj[v * nw + w] & inAlive[w]);
    deg[v] = d;
  }
  for (let it = 0; it < restarts; it++) {
    if (it > 0 && clock() > until) break;
    cand.fill(0);
    for (const v of alive) cand[v >>> 5] |= 1 << (v & 31);
    const set: number[] = [];
    const noise = it === 0 ? 0 : 0.3 + rng();
    for (;;) {
      let pick = -1;
      let pickKey = Infinity;
      for (let w = 0; w < nw; w++) {
        let x = cand[w];
        while (x) {
          const t = x & -x;
          x ^= t;
          const v = (w << 5) + bitIndex(t);
          // degree within the candidates would be better but costs more; the global degree is a good proxy
          const key = noise ? deg[v] * (1 + noise * rng()) : deg[v];
          if (key < pickKey) {
            pickKey = key;
            pick = v;
          }
        }
      }
      if (pick < 0) break;
      set.push(pick);
      const off = pick * nw;
      for (let w = 0; w < nw; w++) cand[w] &= ~adj[off + w];
      cand[pick >>> 5] &= ~(1 << (pick & 31));
    }
    if (set.length > best.length) best = set;
  }
  return best;
}

/**
 * Maximum clique of H among `verts` (H = complement of G) by branch and bound with greedy colouring
 * bounds (Tomita-style), until `until`. Returns the best clique found and whether it is proven maximum.
 */
export function maxCliqueH(g: BitGraph, verts: number[], start: number[], clock: () => number, until: number): { clique: number[]; exact: boolean } {
  const n = verts.length;
  const nw = Math.max(1, (n + 31) >>> 5);
  // local H adjacency
  const H = new Uint32Array(n * nw);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      if (!g.has(verts[i], verts[j])) {
        H[i * nw + (j >>> 5)] |= 1 << (j & 31);
        H[j * nw + (i >>> 5)] |= 1 << (i & 31);
      }
  const pos = new Map<number, number>();
  verts.forEach((v, i) => pos.set(v, i));
  let best = start.map((v) => pos.get(v)!).filter((x) => x !== undefined);
  let nodes = 0;
  let timedOut = false;
  const cur: number[] = [];
  const expand = (P: Uint32Array): void => {
    if (timedOut) return;
    if ((++nodes & 1023) === 0 && clock() > until) {
      timedOut = true;
      return;
    }
    // greedy colouring of P (in H) for the bound: order vertices by colour class
    const order: number[] = [];
    const colorOf: number[] = [];
    const Q = P.slice();
    let color = 0;
    while (true) {
      let anyLeft = false;
      for (let w = 0; w < nw; w++) if (Q[w]) anyLeft = true;
      if (!anyLeft) break;
      color++;
      const R = Q.slice();
      for (;;) {
        let v = -1;
        for (let w = 0; w < nw; w++)
          if (R[w]) {
            v = (w << 5) + bitIndex(R[w] & -R[w]);
            break;
          }
        if (v < 0) break;
        R[v >>> 5] &= ~(1 << (v & 31));
        Q[v >>> 5] &= ~(1 << (v & 31));
        for (let w = 0; w < nw; w++) R[w] &= ~H[v * nw + w];
        order.push(v);
        colorOf.push(color);
      }
    }
    for (let i = order.length - 1; i >= 0; i--) {
      if (cur.length + colorOf[i] <= best.length) return;
      const v = order[i];
      cur.push(v);
      const NP = new Uint32Array(nw);
      let any = 0;
      for (let w = 0; w < nw; w++) {
        NP[w] = P[w] & H[v * nw + w];
        any |= NP[w];
      }
      if (!any) {
        if (cur.length > best.length) best = cur.slice();
      } else expand(NP);
      cur.pop();
      P[v >>> 5] &= ~(1 << (v & 31));
      if (timedOut) return;
    }
  };
  const P = new Uint32Array(nw);
  for (let i = 0; i < n; i++) P[i >>> 5] |= 1 << (i & 31);
  expand(P);
  return { clique: best.map((i) => verts[i]), exact: !timedOut };
}

/**
 * Colouring of H (the complement of G) on `verts`: colour classes are sets of pairwise compatible
 * edges. DSATUR with restarts, tabu search (Tabucol) below the best count, then an exact DSATUR branch
 * and bound seeded with the clique `clique`. Returns classes and whether their count is proven minimum.
 */
export function colourH(
  g: BitGraph,
  verts: number[],
  clique: number[],
  lb: number,
  rng: () => number,
  clock: () => number,
  until: number,
): { classes: number[][]; exact: boolean } {
  const n = verts.length;
  const hdeg = new Int32Array(n);
  const hn: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const l: number[] = [];
    for (let j = 0; j < n; j++) if (j !== i && !g.has(verts[i], verts[j])) l.push(j);
    hn.push(Int32Array.from(l));
    hdeg[i] = l.length;
  }
  const pos = new Map<number, number>();
  verts.forEach((v, i) => pos.set(v, i));
  const cl = clique.map((v) => pos.get(v)).filter((x): x is number => x !== undefined);

  // --- DSATUR greedy (randomised ties) ---
  const dsatur = (noise: number): Int32Array => {
    const col = new Int32Array(n).fill(-1);
    const sat = new Int32Array(n);
    const seen: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
    let ncol = 0;
    const assign = (v: number, c: number): void => {
      col[v] = c;
      if (c >= ncol) ncol = c + 1;
      for (const u of hn[v])
        if (col[u] < 0 && !seen[u].has(c)) {
          seen[u].add(c);
          sat[u]++;
        }
    };
    cl.forEach((v, i) => assign(v, i));
    for (let done = cl.length; done < n; done++) {
      let pick = -1;
      let ks = -1;
      let kd = -1;
      for (let v = 0; v < n; v++) {
        if (col[v] >= 0) continue;
        const d = hdeg[v] + (noise ? noise * rng() * hdeg[v] : 0);
        if (sat[v] > ks || (sat[v] === ks && d > kd)) {
          ks = sat[v];
          kd = d;
          pick = v;
        }
      }
      let c = 0;
      while (seen[pick].has(c)) c++;
      assign(pick, c);
    }
    return col;
  };
  const countColours = (col: Int32Array): number => {
    let k = 0;
    for (let i = 0; i < n; i++) if (col[i] + 1 > k) k = col[i] + 1;
    return k;
  };
  let best = dsatur(0);
  let bestK = countColours(best);
  for (let it = 0; it < 30 && bestK > lb && clock() < until; it++) {
    const c = dsatur(0.5);
    const k = countColours(c);
    if (k < bestK) {
      best = c;
      bestK = k;
    }
  }

  // --- Tabucol: try k = bestK - 1 down to lb ---
  const tabucol = (k: number, stop: number): Int32Array | null => {
    const col = new Int32Array(n);
    // start from the best colouring, recolouring the vertices of colour >= k at random
    for (let i = 0; i < n; i++) col[i] = best[i] < k ? best[i] : Math.floor(rng() * k);
    const gamma = new Int32Array(n * k); // conflicts of vertex v with colour c
    for (let v = 0; v < n; v++) for (const u of hn[v]) gamma[v * k + col[u]]++;
    let conf = 0;
    for (let v = 0; v < n; v++) conf += gamma[v * k + col[v]];
    conf /= 2;
    const tabu = new Float64Array(n * k);
    let bestConf = conf;
    let iter = 0;
    const confl: number[] = [];
    while (conf > 0) {
      iter++;
      if ((iter & 255) === 0 && clock() > stop) return null;
      confl.length = 0;
      for (let v = 0; v < n; v++) if (gamma[v * k + col[v]] > 0) confl.push(v);
      let bv = -1;
      let bc = -1;
      let bd = Infinity;
      let ties = 0;
      for (const v of confl) {
        const cv = col[v];
        const base = gamma[v * k + cv];
        for (let c = 0; c < k; c++) {
          if (c === cv) continue;
          const d = gamma[v * k + c] - base;
          const isTabu = tabu[v * k + c] > iter;
          if (isTabu && !(conf + d < bestConf)) continue;
          if (d < bd) {
            bd = d;
            bv = v;
            bc = c;
            ties = 1;
          } else if (d === bd && rng() * ++ties < 1) {
            bv = v;
            bc = c;
          }
        }
      }
      if (bv < 0) continue;
      const old = col[bv];
      col[bv] = bc;
      for (const u of hn[bv]) {
        gamma[u * k + old]--;
        gamma[u * k + bc]++;
      }
      conf += bd;
      if (conf < bestConf) bestConf = conf;
      tabu[bv * k + old] = iter + Math.floor(rng() * 10) + 0.6 * confl.length;
    }
    return col;
  };
  // small graphs: a quarter of the time for tabu search, the rest for the proof; large graphs (where
  // the branch and bound rarely finishes): tabu search throughout
  const searchEnd = clock() + (n <= 150 ? 0.25 : 1) * Math.max(0, until - clock());
  while (bestK > lb && clock() < searchEnd) {
    const c = tabucol(bestK - 1, Math.min(searchEnd, clock() + 50 + 2 * n));
    if (!c) break;
    best = c;
    bestK = bestK - 1;
  }

  // --- exact DSATUR branch and bound ---
  let exact = bestK <= lb;
  if (!exact && clock() < until) {
    const col = new Int32Array(n).fill(-1);
    const cnt = new Int32Array(n * (bestK + 1)); // neighbours of v with colour c
    const sat = new Int32Array(n);
    let timedOut = false;
    let nodes = 0;
    const stride = bestK + 1;
    const setc = (v: number, c: number): void => {
      col[v] = c;
      for (const u of hn[v]) if (cnt[u * stride + c]++ === 0) sat[u]++;
    };
    const unset = (v: number): void => {
      const c = col[v];
      col[v] = -1;
      for (const u of hn[v]) if (--cnt[u * stride + c] === 0) sat[u]--;
    };
    cl.forEach((v, i) => setc(v, i));
    const rec = (colored: number, used: number): void => {
      if (timedOut || used >= bestK) return;
      if ((++nodes & 1023) === 0 && clock() > until) {
        timedOut = true;
        return;
      }
      if (colored === n) {
        best = col.slice();
        bestK = used;
        return;
      }
      let pick = -1;
      let ks = -1;
      let kd = -1;
      for (let v = 0; v < n; v++) {
        if (col[v] >= 0) continue;
        if (sat[v] > ks || (sat[v] === ks && hdeg[v] > kd)) {
          ks = sat[v];
          kd = hdeg[v];
          pick = v;
        }
      }
      for (let c = 0; c < used; c++) {
        if (cnt[pick * stride + c]) continue;
        setc(pick, c);
        rec(colored + 1, used);
        unset(pick);
        if (timedOut || bestK <= lb || used >= bestK) return;
      }
      if (used + 1 < bestK) {
        setc(pick, used);
        rec(colored + 1, used + 1);
        unset(pick);
      }
    };
    rec(cl.length, cl.length);
    exact = !timedOut || bestK <= lb;
  }
  const classes: number[][] = Array.from({ length: bestK }, () => []);
  for (let i = 0; i < n; i++) classes[best[i]].push(verts[i]);
  return { classes: classes.filter((c) => c.length > 0), exact };
}

/** Greedy clique partition of G on `verts` (used only on components too large to colour). */
function greedyCliques(g: BitGraph, verts: number[], rng: () => number, clock: () => number, until: number): number[][] {
  const { nw, adj } = g;
  const left = new Uint32Array(nw);
  for (const v of verts) left[v >>> 5] |= 1 << (v & 31);
  const classes: number[][] = [];
  const order = verts.slice().sort(() => rng() - 0.5);
  const cand = new Uint32Array(nw);
  for (const v of order) {
    if (!((left[v >>> 5] >>> (v & 31)) & 1)) continue;
    const cls = [v];
    left[v >>> 5] &= ~(1 << (v & 31));
    for (let w = 0; w < nw; w++) cand[w] = left[w] & adj[v * nw + w];
    // out of time: the first compatible vertices, without choosing
    const hurry = clock() > until;
    for (;;) {
      // add the candidate with most neighbours among the candidates
      let pick = -1;
      let bestD = -1;
      for (let w = 0; w < nw; w++) {
        let x = cand[w];
        while (x) {
          const t = x & -x;
          x ^= t;
          const u = (w << 5) + bitIndex(t);
          if (hurry) {
            pick = u;
            break;
          }
          let d = 0;
          for (let q = 0; q < nw; q++) d += pop(cand[q] & adj[u * nw + q]);
          if (d > bestD) {
            bestD = d;
            pick = u;
          }
        }
      }
      if (pick < 0) break;
      cls.push(pick);
      left[pick >>> 5] &= ~(1 << (pick & 31));
      for (let w = 0; w < nw; w++) cand[w] &= adj[pick * nw + w];
      cand[pick >>> 5] &= ~(1 << (pick & 31));
    }
    classes.push(cls);
  }
  return classes;
}

/** Largest core component that gets the colouring searches (H adjacency lists are O(n^2)). */
const MAX_COLOUR = 4000;

interface ComponentResult {
  classes: number[][]; // local vertex ids
  lb: number;
  exact: boolean;
}

/** Graph reductions, then colouring of each remaining piece, then reinsertion, for one component. */
export function solveComponent(g: BitGraph, rng: () => number, clock: () => number, until: number): ComponentResult {
  const { n, nw, adj } = g;
  const alive = new Uint32Array(nw);
  for (let v = 0; v < n; v++) alive[v >>> 5] |= 1 << (v & 31);
  const isAlive = (v: number): boolean => ((alive[v >>> 5] >>> (v & 31)) & 1) === 1;
  const kill = (v: number): void => {
    alive[v >>> 5] &= ~(1 << (v & 31));
  };
  let aliveCount = n;
  const classes: number[][] = [];
  const stackV: number[] = [];
  const stackBy: number[] = []; // dominator, or -1 for a peeled vertex
  let simplicial = 0;
  const N = new Uint32Array(nw);
  const tmp: number[] = [];
  let changed = true;
  while (changed && aliveCount > 0 && clock() < until) {
    changed = false;
    for (let v = 0; v < n; v++) {
      if (!isAlive(v)) continue;
      if ((v & 63) === 0 && clock() > until) break;
      const off = v * nw;
      for (let w = 0; w < nw; w++) N[w] = adj[off + w] & alive[w];
      N[v >>> 5] |= 1 << (v & 31); // closed neighbourhood
      listBits(N, 0, nw, tmp);
      const dom: number[] = [];
      for (const u of tmp) {
        if (u === v) continue;
        const ou = u * nw;
        let ok = true;
        for (let w = 0; w < nw; w++) {
          let a = adj[ou + w];
          if (w === u >>> 5) a |= 1 << (u & 31);
          if (N[w] & ~a) {
            ok = false;
            break;
          }
        }
        if (ok) dom.push(u);
      }
      if (dom.length === tmp.length - 1) {
        classes.push(tmp.slice());
        for (const u of tmp) kill(u);
        aliveCount -= tmp.length;
        simplicial++;
        changed = true;
      } else if (dom.length) {
        for (const u of dom) {
          kill(u);
          stackV.push(u);
          stackBy.push(v);
        }
        aliveCount -= dom.length;
        changed = true;
      }
    }
    if (changed || aliveCount === 0) continue;
    // peel vertices with fewer incompatible neighbours than a bound that stays valid without them
    const verts = listBits(alive, 0, nw, []);
    const S = greedyIndependent(g, verts, rng, clock, until, 8);
    const inS = new Set(S);
    for (const v of verts) {
      if (inS.has(v) || !isAlive(v)) continue;
      let dg = 0;
      for (let w = 0; w < nw; w++) dg += pop(adj[v * nw + w] & alive[w]);
      if (aliveCount - 1 - dg < S.length) {
        kill(v);
        aliveCount--;
        stackV.push(v);
        stackBy.push(-1);
        changed = true;
      }
    }
  }
  // pieces: connected components of what is left
  let lb = simplicial;
  let exact = true;
  const rest = listBits(alive, 0, nw, []);
  const seen = new Uint8Array(n);
  const pieces: number[][] = [];
  for (const s of rest) {
    if (seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    for (let i = 0; i < comp.length; i++) {
      const v = comp[i];
      for (let w = 0; w < nw; w++) {
        let x = adj[v * nw + w] & alive[w];
        while (x) {
          const t = x & -x;
          x ^= t;
          const u = (w << 5) + bitIndex(t);
          if (!seen[u]) {
            seen[u] = 1;
            comp.push(u);
          }
        }
      }
    }
    pieces.push(comp);
  }
  let total = 0;
  for (const p of pieces) total += p.length;
  for (const p of pieces) {
    const now = clock();
    const share = now + ((until - now) * p.length) / Math.max(1, total);
    total -= p.length;
    const S = greedyIndependent(g, p, rng, clock, now + 0.1 * (share - now), 50);
    if (p.length > MAX_COLOUR) {
      const cls = greedyCliques(g, p, rng, clock, share);
      classes.push(...cls);
      lb += S.length;
      if (cls.length > S.length) exact = false;
      continue;
    }
    let clique = S;
    let cliqueExact = false;
    if (p.length <= 1500) {
      const mc = maxCliqueH(g, p, S, clock, now + 0.3 * (share - now));
      clique = mc.clique;
      cliqueExact = mc.exact;
    }
    const col = colourH(g, p, clique, clique.length, rng, clock, share);
    classes.push(...col.classes);
    if (col.exact) lb += col.classes.length;
    else {
      lb += clique.length;
      exact = false;
    }
    void cliqueExact;
  }
  // put removed vertices back, last removed first
  const classOf = new Int32Array(n).fill(-1);
  classes.forEach((c, i) => {
    for (const v of c) classOf[v] = i;
  });
  for (let i = stackV.length - 1; i >= 0; i--) {
    const v = stackV[i];
    const by = stackBy[i];
    let target = by >= 0 ? classOf[by] : -1;
    if (by < 0) {
      for (let c = 0; c < classes.length && target < 0; c++) {
        let ok = true;
        for (const u of classes[c])
          if (!g.has(v, u)) {
            ok = false;
            break;
          }
        if (ok) target = c;
      }
    }
    if (target < 0) {
      // cannot happen by the reduction rules; stay exact, lose the proof
      target = classes.length;
      classes.push([]);
      exact = false;
    }
    classes[target].push(v);
    classOf[v] = target;
  }
  return { classes, lb: Math.max(lb, exact ? classes.length : 0), exact };
}

/**
 * Exact (when time allows) minimum biclique cover of a reduced matrix. See the header comment.
 * `until` bounds the implicit reductions; the whole run ends by `opts.deadline`.
 */
export function kernelStats(m: Reduced, clock: () => number, until: number): { essential: number; dropped: number; kernel: number; complete: boolean } {
  const imp = implicitReduce(m, clock, until, until);
  let k = 0;
  for (let i = 0; i < imp.U.length; i++) k += pop(imp.U[i]);
  return { essential: imp.fixed.length, dropped: imp.dropped.length, kernel: k, complete: imp.complete };
}

export function solveExact(m: Reduced, opts: ExactOptions): ExactResult | null {
  const { clock, deadline, rng } = opts;
  const { nR, nC, W, rowBits, rowWords, colRows } = m;
  const maxKernel = opts.maxKernel ?? MAX_KERNEL;
  // an unfinished reduction is still valid: its kernel is larger, and maybe too large
  const imp = implicitReduce(m, clock, opts.reduceSoft ?? deadline, Math.max(deadline, opts.reduceUntil ?? deadline));
  const U = imp.U;
  // kernel edges, numbered; per-row prefix ranks give an edge's number
  const base = new Int32Array(nR * W + 1);
  let K = 0;
  for (let i = 0; i < nR * W; i++) {
    base[i] = K;
    K += pop(U[i]);
  }
  if (K > maxKernel) return null;
  const keyOf = new Float64Array(K);
  const idOf = (r: number, c: number): number => {
    const i = r * W + (c >>> 5);
    return base[i] + pop(U[i] & ((1 << (c & 31)) - 1));
  };
  for (let r = 0; r < nR; r++)
    for (const w of rowWords[r]) {
      let x = U[r * W + w];
      while (x) {
        const t = x & -x;
        x ^= t;
        const c = (w << 5) + bitIndex(t);
        keyOf[idOf(r, c)] = r * nC + c;
      }
    }
  // adjacency lists of G on the kernel
  const nbrs: Int32Array[] = new Array(K);
  const tmp: number[] = [];
  for (let i = 0; i < K; i++) {
    if ((i & 255) === 0 && clock() > (opts.reduceUntil ?? deadline)) return null;
    const r = Math.floor(keyOf[i] / nC);
    const c = keyOf[i] - r * nC;
    const wl = rowWords[r];
    tmp.length = 0;
    for (const r2 of colRows[c]) {
      const b2 = r2 * W;
      for (const w of wl) {
        let y = U[b2 + w] & rowBits[r * W + w];
        while (y) {
          const t = y & -y;
          y ^= t;
          const j = idOf(r2, (w << 5) + bitIndex(t));
          if (j !== i) tmp.push(j);
        }
      }
    }
    nbrs[i] = Int32Array.from(tmp);
  }
  // components of G
  const comp = new Int32Array(K).fill(-1);
  const comps: number[][] = [];
  for (let s = 0; s < K; s++) {
    if (comp[s] >= 0) continue;
    const list = [s];
    comp[s] = comps.length;
    for (let i = 0; i < list.length; i++)
      for (const u of nbrs[list[i]])
        if (comp[u] < 0) {
          comp[u] = comps.length;
          list.push(u);
        }
    comps.push(list);
  }
  const classes: number[][] = imp.fixed.map((gen) => gen.slice());
  let lb = imp.fixed.length;
  let exact = true;
  let coreEdges = 0;
  let remaining = K;
  // small components first: they are cheap and their time share is returned to the big ones
  comps.sort((a, b) => a.length - b.length);
  const local = new Int32Array(K);
  for (const list of comps) {
    const now = clock();
    const until = now + ((deadline - now) * list.length) / Math.max(1, remaining);
    remaining -= list.length;
    if (list.length === 1) {
      classes.push([keyOf[list[0]]]);
      lb++;
      continue;
    }
    list.forEach((v, i) => (local[v] = i));
    const g = new BitGraph(list.length);
    list.forEach((v, i) => {
      for (const u of nbrs[v]) if (comp[u] === comp[v]) g.set(i, local[u]);
    });
    const res = solveComponent(g, rng, clock, until);
    lb += res.lb;
    if (!res.exact) {
      exact = false;
      coreEdges += list.length;
    }
    for (const cls of res.classes) if (cls.length) classes.push(cls.map((i) => keyOf[list[i]]));
  }
  // reattach the edges dropped by dominance, last dropped first
  const classOf = new Map<number, number>();
  classes.forEach((cls, i) => {
    for (const k of cls) classOf.set(k, i);
  });
  for (let i = imp.dropped.length - 1; i >= 0; i--) {
    const f = imp.dropped[i];
    const target = classOf.get(imp.dominator[i]);
    if (target === undefined) throw new Error("exact role mining: dominating edge has no role");
    classes[target].push(f);
    classOf.set(f, target);
  }
  const roles: ExactRole[] = classes.map((cls) => {
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (const k of cls) {
      const r = Math.floor(k / nC);
      rows.add(r);
      cols.add(k - r * nC);
    }
    return { rows: [...rows].sort((a, b) => a - b), cols: [...cols].sort((a, b) => a - b) };
  });
  if (exact) lb = roles.length;
  return {
    roles,
    lowerBound: Math.min(lb, roles.length),
    optimal: exact || lb >= roles.length,
    essential: imp.fixed.length,
    kernelEdges: K,
    coreEdges,
    components: comps.length,
  };
}
