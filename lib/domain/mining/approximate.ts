/**
 * Approximate role mining: fewer roles that together cover a target share (default 95 %) of the existing
 * user-permission assignments; every assignment they do not cover is returned as an exception, never dropped.
 *
 * Inputs:  pairs (person id, entitlement id), optional HR attributes per person (department, title) used to
 *          propose candidate roles, and options (coverage target in (0, 1], candidate cap, wall-clock budget).
 * Outputs: roles (entitlement set + the people who hold ALL of it), the exceptions (person, entitlement)
 *          that no role covers, the covered count and share, and how many candidates were weighed.
 * Invariants:
 *  - A role covers a person only if the person already holds every entitlement of the role, so turning
 *    the roles into assignments never grants anyone extra access (members = holders of the whole set).
 *  - covered pairs + exceptions = all distinct input pairs, exactly (each pair is in one of the two).
 *  - covered / assignments >= target whenever the budget was not exhausted (single-entitlement candidates
 *    are always in the pool, so any target up to 100 % is reachable).
 *  - Deterministic: inputs are sorted by id first, candidates are weighed in a fixed order, ties break on
 *    the candidate's canonical key. Only an exhausted wall-clock budget (reported as `truncated`) can change
 *    the outcome, by leaving late candidates unweighed.
 *
 * Method: weighted set cover by the classic greedy (Chvátal 1979; for role mining with a coverage target cf.
 * Vaidya, Atluri, Guo, "The role mining problem", SACMAT 2007, the delta-approx / min-noise variants), re-
 * implemented from the idea. People with identical access collapse to one weighted row (their membership in
 * any role is the same, so their uncovered state stays identical). Candidate entitlement sets:
 *  1. per HR group (title; department + title; department) the entitlements held by >= t of its members,
 *     for t in {100 %, 90 %, 75 %, 50 %} ("maximal co-occurring sets" of the group);
 *  2. closed frequent itemsets: for each entitlement, everything its holders all share (closure of {e});
 *     each distinct access profile (closure of a row); intersections of pairs of the most common profiles;
 *  3. every single entitlement (completeness).
 * Lazy greedy: a max-heap of candidate gains (uncovered assignments covered, weighted by row multiplicity);
 * gains only shrink, so a popped candidate whose recomputed gain still tops the heap is optimal to take.
 * Stops as soon as the covered share reaches the target; then drops roles made redundant by later picks
 * (latest first) while the share stays at or above the target.
 * Complexity: R distinct rows, E entitlements, WE = ceil(E/32), WR = ceil(R/32), C candidates (capped):
 *  memory O(R*WE + E*WR + C*|S|); one gain evaluation O(|S|*WR + |members|*|S|); candidate generation
 *  O(groups*|group|*row + E*holders*WE + K^2*WE) with K <= 200 profiles.
 */

import { MaxHeap } from "./heap";

export interface ApproximateOptions {
  /** Share of assignments the roles must cover, in (0, 1]; default 0.95. */
  coverage?: number;
  /** Most candidate sets weighed besides the single entitlements; default 20 000. */
  maxCandidates?: number;
  /** Wall-clock budget in ms; default 8000. Past it, candidates not yet weighed are skipped. */
  timeLimitMs?: number;
  /** Clock in ms, injectable. */
  clock?: () => number;
  /** Group shares that make a group candidate; default [1, 0.9, 0.75, 0.5]. */
  groupThresholds?: number[];
}

export interface ApproximateRole {
  /** People holding every entitlement of the role (sorted). */
  users: string[];
  /** Entitlement ids (sorted). */
  permissions: string[];
  /** Assignments this role covers that no role picked before it covered (at pick time). */
  gain: number;
  /** How the candidate was found, in words; "{e}" stands for `originEntitlement` (callers put its name in). */
  origin: string;
  originEntitlement?: string;
}

export interface ApproximateResult {
  roles: ApproximateRole[];
  /** Assignments covered by no role: [person id, entitlement id], sorted. */
  exceptions: Array<[string, string]>;
  /** Distinct input pairs. */
  assignments: number;
  covered: number;
  /** covered / assignments (1 when there are none). */
  coverage: number;
  target: number;
  users: number;
  permissions: number;
  candidates: number;
  truncated: boolean;
  seconds: number;
}

export interface GroupAttributes {
  department?: string | null;
  title?: string | null;
}

const defaultClock = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) >>> 0;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Candidate = { ents: Int32Array; key: string; origin: string; about?: number };

export function approximateRoles(
  pairs: ReadonlyArray<readonly [string, string]>,
  people: ReadonlyMap<string, GroupAttributes> = new Map(),
  opts: ApproximateOptions = {},
): ApproximateResult {
  const clock = opts.clock ?? defaultClock;
  const t0 = clock();
  const budget = opts.timeLimitMs ?? 8000;
  const outOfTime = () => clock() - t0 > budget;
  const target = Math.min(1, Math.max(0, opts.coverage ?? 0.95));
  const maxCandidates = opts.maxCandidates ?? 20_000;
  const thresholds = opts.groupThresholds ?? [1, 0.9, 0.75, 0.5];

  // Index people and entitlements in sorted id order (determinism does not depend on input order).
  const userIds = [...new Set(pairs.map((p) => p[0]))].sort(cmp);
  const entIds = [...new Set(pairs.map((p) => p[1]))].sort(cmp);
  const uIdx = new Map(userIds.map((u, i) => [u, i]));
  const eIdx = new Map(entIds.map((e, i) => [e, i]));
  const nU = userIds.length;
  const nE = entIds.length;
  const WE = Math.max(1, (nE + 31) >>> 5);
  const userBits = new Uint32Array(nU * WE);
  for (const [u, e] of pairs) {
    const ui = uIdx.get(u)!;
    const ei = eIdx.get(e)!;
    userBits[ui * WE + (ei >>> 5)] |= 1 << (ei & 31);
  }
  let assignments = 0;
  for (let i = 0; i < userBits.length; i++) assignments += popcount(userBits[i]!);

  // Distinct rows with their people.
  const rowKey = new Map<string, number>();
  const rowUsers: number[][] = [];
  const rowOfUser = new Int32Array(nU);
  for (let u = 0; u < nU; u++) {
    const key = Array.from(userBits.subarray(u * WE, (u + 1) * WE)).join(",");
    let r = rowKey.get(key);
    if (r === undefined) {
      r = rowUsers.length;
      rowKey.set(key, r);
      rowUsers.push([]);
    }
    rowUsers[r]!.push(u);
    rowOfUser[u] = r;
  }
  const nR = rowUsers.length;
  const WR = Math.max(1, (nR + 31) >>> 5);
  const weight = Int32Array.from(rowUsers, (us) => us.length);
  const rowBits = new Uint32Array(nR * WE);
  for (let r = 0; r < nR; r++) rowBits.set(userBits.subarray(rowUsers[r]![0]! * WE, (rowUsers[r]![0]! + 1) * WE), r * WE);
  const uncov = rowBits.slice();
  const holders = new Uint32Array(nE * WR); // rows holding each entitlement
  const rowEnts: Int32Array[] = [];
  for (let r = 0; r < nR; r++) {
    const list: number[] = [];
    for (let w = 0; w < WE; w++) {
      let x = rowBits[r * WE + w]!;
      while (x) {
        const b = 31 - Math.clz32(x);
        x &= ~(1 << b);
        list.push(w * 32 + b);
      }
    }
    list.sort((a, b) => a - b);
    rowEnts.push(Int32Array.from(list));
    for (const e of list) holders[e * WR + (r >>> 5)] |= 1 << (r & 31);
  }

  // ---------------------------------------------------------------- candidates
  const seen = new Set<string>();
  const cands: Candidate[] = [];
  let truncated = false;
  const add = (ents: number[] | Int32Array, origin: string, force = false, about?: number) => {
    if (!ents.length) return;
    if (!force && cands.length >= nE + maxCandidates) return;
    const sorted = Int32Array.from(ents).sort();
    const key = sorted.join(",");
    if (seen.has(key)) return;
    seen.add(key);
    cands.push({ ents: sorted, key, origin, ...(about !== undefined ? { about } : {}) });
  };
  const setFromBits = (bits: Uint32Array): number[] => {
    const out: number[] = [];
    for (let w = 0; w < WE; w++) {
      let x = bits[w]!;
      while (x) {
        const b = 31 - Math.clz32(x);
        x &= ~(1 << b);
        out.push(w * 32 + b);
      }
    }
    return out;
  };
  // 3. singletons first: always in the pool.
  for (let e = 0; e < nE; e++) add([e], "a single entitlement", true);

  // 1. HR groups.
  const groupings: Array<{ label: string; key: (a: GroupAttributes) => string | null }> = [
    { label: "title", key: (a) => (a.title?.trim() ? a.title.trim() : null) },
    { label: "department and title", key: (a) => (a.department?.trim() && a.title?.trim() ? `${a.department.trim()} / ${a.title.trim()}` : null) },
    { label: "department", key: (a) => (a.department?.trim() ? a.department.trim() : null) },
  ];
  for (const g of groupings) {
    const groups = new Map<string, number[]>();
    for (let u = 0; u < nU; u++) {
      const a = people.get(userIds[u]!);
      const k = a ? g.key(a) : null;
      if (k === null) continue;
      let l = groups.get(k);
      if (!l) groups.set(k, (l = []));
      l.push(u);
    }
    for (const [name, members] of [...groups].sort((a, b) => cmp(a[0], b[0]))) {
      if (members.length < 2) continue;
      if (outOfTime()) {
        truncated = true;
        break;
      }
      const count = new Int32Array(nE);
      for (const u of members) {
        const r = rowOfUser[u]!;
        for (const e of rowEnts[r]!) count[e]!++;
      }
      for (const t of thresholds) {
        const need = Math.max(1, Math.ceil(t * members.length - 1e-9));
        const ents: number[] = [];
        for (let e = 0; e < nE; e++) if (count[e]! >= need) ents.push(e);
        add(ents, `held by ${t === 1 ? "every member" : `at least ${Math.round(t * 100)}% of the members`} of ${g.label} "${name}"`);
      }
    }
  }

  // 2a. closure of each entitlement: what all its holders share.
  const acc = new Uint32Array(WE);
  for (let e = 0; e < nE && !truncated; e++) {
    if ((e & 63) === 0 && outOfTime()) {
      truncated = true;
      break;
    }
    acc.fill(0xffffffff);
    let any = false;
    for (let w = 0; w < WR; w++) {
      let x = holders[e * WR + w]!;
      while (x) {
        const b = 31 - Math.clz32(x);
        x &= ~(1 << b);
        const r = w * 32 + b;
        any = true;
        for (let k = 0; k < WE; k++) acc[k]! &= rowBits[r * WE + k]!;
      }
    }
    if (any) add(setFromBits(acc), "everything the holders of {e} share", false, e);
  }

  // 2b. distinct profiles (most common first) and pairwise intersections of the K most common.
  const byWeight = Array.from({ length: nR }, (_, r) => r).sort((a, b) => weight[b]! - weight[a]! || a - b);
  for (const r of byWeight) add(rowEnts[r]!, `the whole access of ${weight[r]} ${weight[r] === 1 ? "person" : "people with identical access"}`);
  const K = Math.min(200, nR);
  const tmp = new Uint32Array(WE);
  outer: for (let i = 0; i < K; i++) {
    if (outOfTime()) {
      truncated = true;
      break;
    }
    for (let j = i + 1; j < K; j++) {
      const a = byWeight[i]!;
      const b = byWeight[j]!;
      for (let k = 0; k < WE; k++) tmp[k] = rowBits[a * WE + k]! & rowBits[b * WE + k]!;
      add(setFromBits(tmp), "the access two common profiles share");
      if (cands.length >= nE + maxCandidates) break outer;
    }
  }

  // ---------------------------------------------------------------- lazy greedy
  const memberRows = new Uint32Array(WR);
  const membersOf = (c: Candidate): Uint32Array => {
    const e0 = c.ents[0]!;
    memberRows.set(holders.subarray(e0 * WR, (e0 + 1) * WR));
    for (let i = 1; i < c.ents.length; i++) {
      const e = c.ents[i]!;
      for (let w = 0; w < WR; w++) memberRows[w]! &= holders[e * WR + w]!;
    }
    return memberRows;
  };
  const maskOf = (c: Candidate) => {
    const words = new Map<number, number>();
    for (const e of c.ents) words.set(e >>> 5, (words.get(e >>> 5) ?? 0) | (1 << (e & 31)));
    return [...words];
  };
  const masks: Array<Array<[number, number]> | undefined> = new Array(cands.length);
  const gainOf = (ci: number): number => {
    const c = cands[ci]!;
    const mask = (masks[ci] ??= maskOf(c));
    const rows = membersOf(c);
    let g = 0;
    for (let w = 0; w < WR; w++) {
      let x = rows[w]!;
      while (x) {
        const b = 31 - Math.clz32(x);
        x &= ~(1 << b);
        const r = w * 32 + b;
        let n = 0;
        for (const [word, m] of mask) n += popcount(uncov[r * WE + word]! & m);
        g += n * weight[r]!;
      }
    }
    return g;
  };
  // Higher gain first; ties: the earlier candidate (fixed generation order), encoded in the key.
  const heap = new MaxHeap<number>();
  const SCALE = cands.length + 1;
  const keyOf = (g: number, ci: number) => g * SCALE + (SCALE - 1 - ci);
  let weighed = 0;
  for (let ci = 0; ci < cands.length; ci++) {
    if (ci >= nE && (ci & 31) === 0 && outOfTime()) {
      truncated = true;
      break;
    }
    const g = gainOf(ci);
    weighed++;
    if (g > 0) heap.push(keyOf(g, ci), ci);
  }
  const need = Math.ceil(target * assignments - 1e-9);
  let covered = 0;
  const picked: Array<{ ci: number; gain: number }> = [];
  while (covered < need && heap.size > 0) {
    const ci = heap.pop();
    const g = gainOf(ci);
    if (g <= 0) continue;
    if (heap.size && keyOf(g, ci) < heap.topKey()) {
      heap.push(keyOf(g, ci), ci);
      continue;
    }
    const mask = masks[ci]!;
    const rows = membersOf(cands[ci]!);
    for (let w = 0; w < WR; w++) {
      let x = rows[w]!;
      while (x) {
        const b = 31 - Math.clz32(x);
        x &= ~(1 << b);
        const r = w * 32 + b;
        for (const [word, m] of mask) uncov[r * WE + word]! &= ~m;
      }
    }
    covered += g;
    picked.push({ ci, gain: g });
  }

  // ---------------------------------------------------------------- redundant roles
  // Per covered pair, how many picked roles cover it; a role whose removal keeps the share at the target goes.
  const coverCount = new Map<number, number>(); // key r * nE + e
  const rowsOf = (ci: number): number[] => {
    const rows = membersOf(cands[ci]!);
    const out: number[] = [];
    for (let w = 0; w < WR; w++) {
      let x = rows[w]!;
      while (x) {
        const b = 31 - Math.clz32(x);
        x &= ~(1 << b);
        out.push(w * 32 + b);
      }
    }
    return out.sort((a, b) => a - b);
  };
  const memberLists = picked.map((p) => rowsOf(p.ci));
  picked.forEach((p, i) => {
    for (const r of memberLists[i]!) for (const e of cands[p.ci]!.ents) coverCount.set(r * nE + e, (coverCount.get(r * nE + e) ?? 0) + 1);
  });
  const keep = picked.map(() => true);
  for (let i = picked.length - 1; i >= 0; i--) {
    let unique = 0;
    for (const r of memberLists[i]!) for (const e of cands[picked[i]!.ci]!.ents) if (coverCount.get(r * nE + e) === 1) unique += weight[r]!;
    if (covered - unique >= need) {
      keep[i] = false;
      covered -= unique;
      for (const r of memberLists[i]!) {
        for (const e of cands[picked[i]!.ci]!.ents) {
          const k = r * nE + e;
          const n = coverCount.get(k)! - 1;
          coverCount.set(k, n);
          if (n === 0) uncov[r * WE + (e >>> 5)]! |= 1 << (e & 31);
        }
      }
    }
  }

  const roles: ApproximateRole[] = [];
  picked.forEach((p, i) => {
    if (!keep[i]) return;
    const users = memberLists[i]!.flatMap((r) => rowUsers[r]!.map((u) => userIds[u]!)).sort(cmp);
    const c = cands[p.ci]!;
    roles.push({ users, permissions: Array.from(c.ents, (e) => entIds[e]!), gain: p.gain, origin: c.origin, ...(c.about !== undefined ? { originEntitlement: entIds[c.about]! } : {}) });
  });

  const exceptions: Array<[string, string]> = [];
  for (let u = 0; u < nU; u++) {
    const r = rowOfUser[u]!;
    for (let w = 0; w < WE; w++) {
      const x = uncov[r * WE + w]!;
      if (!x) continue;
      for (let b = 0; b < 32; b++) if (x & (1 << b)) exceptions.push([userIds[u]!, entIds[w * 32 + b]!]);
    }
  }
  return {
    roles,
    exceptions,
    assignments,
    covered,
    coverage: assignments ? covered / assignments : 1,
    target,
    users: nU,
    permissions: nE,
    candidates: weighed,
    truncated,
    seconds: (clock() - t0) / 1000,
  };
}
