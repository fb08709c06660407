/**
 * Look-alike variants of a user-permission matrix, for benchmarks and tests of the role miner on
 * inputs shaped like the HP Labs data sets without the held-out files.
 *
 * Inputs:  a matrix as dense pairs (us[i], ps[i]) with nUsers x nPerms, a seed, a rate.
 * Outputs: a new matrix (same shape of record) - deterministic for a given seed.
 *  - `permuteMatrix`: users and permissions relabelled by random permutations, pairs shuffled.
 *    The minimum number of roles is unchanged (a relabelling maps covers to covers).
 *  - `dropUsers`: a fraction of the users removed (with their pairs), ids compacted.
 *  - `addNoise`: about rate * |UPA| extra pairs (a random user gets a permission held by some other user).
 *  - `blockDiagonal`: matrices side by side with disjoint users and permissions; its minimum is the sum of
 *    the parts' minima (a role lies inside one block).
 * Complexity: O(|UPA|) time and memory each.
 */
import { mulberry32 } from "../random";

export interface PairMatrix {
  nUsers: number;
  nPerms: number;
  us: Int32Array;
  ps: Int32Array;
}

function permutation(n: number, rng: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export function permuteMatrix(m: PairMatrix, seed: number): PairMatrix {
  const rng = mulberry32(seed);
  const pu = permutation(m.nUsers, rng);
  const pp = permutation(m.nPerms, rng);
  const order = permutation(m.us.length, rng);
  const us = new Int32Array(m.us.length);
  const ps = new Int32Array(m.ps.length);
  for (let i = 0; i < order.length; i++) {
    us[i] = pu[m.us[order[i]]];
    ps[i] = pp[m.ps[order[i]]];
  }
  return { nUsers: m.nUsers, nPerms: m.nPerms, us, ps };
}

export function dropUsers(m: PairMatrix, fraction: number, seed: number): PairMatrix {
  const rng = mulberry32(seed);
  const keep = new Int32Array(m.nUsers).fill(-1);
  let n = 0;
  for (let u = 0; u < m.nUsers; u++) if (rng() >= fraction) keep[u] = n++;
  const permId = new Int32Array(m.nPerms).fill(-1);
  let np = 0;
  const us: number[] = [];
  const ps: number[] = [];
  for (let i = 0; i < m.us.length; i++) {
    const u = keep[m.us[i]];
    if (u < 0) continue;
    const p = m.ps[i];
    if (permId[p] < 0) permId[p] = np++;
    us.push(u);
    ps.push(permId[p]);
  }
  return { nUsers: n, nPerms: np, us: Int32Array.from(us), ps: Int32Array.from(ps) };
}

export function addNoise(m: PairMatrix, rate: number, seed: number): PairMatrix {
  const rng = mulberry32(seed);
  const seen = new Set<number>();
  for (let i = 0; i < m.us.length; i++) seen.add(m.us[i] * m.nPerms + m.ps[i]);
  const us = Array.from(m.us);
  const ps = Array.from(m.ps);
  const extra = Math.round(rate * m.us.length);
  for (let k = 0; k < extra; k++) {
    const u = m.us[Math.floor(rng() * m.us.length)];
    const p = m.ps[Math.floor(rng() * m.ps.length)];
    const key = u * m.nPerms + p;
    if (seen.has(key)) continue;
    seen.add(key);
    us.push(u);
    ps.push(p);
  }
  return { nUsers: m.nUsers, nPerms: m.nPerms, us: Int32Array.from(us), ps: Int32Array.from(ps) };
}

export function blockDiagonal(parts: PairMatrix[]): PairMatrix {
  let nUsers = 0;
  let nPerms = 0;
  const us: number[] = [];
  const ps: number[] = [];
  for (const m of parts) {
    for (let i = 0; i < m.us.length; i++) {
      us.push(nUsers + m.us[i]);
      ps.push(nPerms + m.ps[i]);
    }
    nUsers += m.nUsers;
    nPerms += m.nPerms;
  }
  return { nUsers, nPerms, us: Int32Array.from(us), ps: Int32Array.from(ps) };
}

/** Dense indices of string pairs (ids numbered in order of first appearance). */
export function indexPairs(pairs: ReadonlyArray<readonly [string, string]>): PairMatrix {
  const ui = new Map<string, number>();
  const pi = new Map<string, number>();
  const us = new Int32Array(pairs.length);
  const ps = new Int32Array(pairs.length);
  pairs.forEach(([u, p], i) => {
    let a = ui.get(u);
    if (a === undefined) ui.set(u, (a = ui.size));
    let b = pi.get(p);
    if (b === undefined) pi.set(p, (b = pi.size));
    us[i] = a;
    ps[i] = b;
  });
  return { nUsers: ui.size, nPerms: pi.size, us, ps };
}
