import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BitGraph, colourH, solveExact } from "./exact";
import { buildReduced, mineRoles, mineRolesIndexed, mulberry32, parsePairs, verifyExactCover, verifyExactCoverIndexed } from "./role-mining";
import { addNoise, blockDiagonal, dropUsers, indexPairs, permuteMatrix, type PairMatrix } from "./variants";

/** Process CPU time in ms: budgets below do not depend on how loaded the test machine is. */
const cpuClock = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/**
 * Minimum biclique cover by brute force (tiny matrices only): candidate roles are the maximal
 * bicliques (closures of every subset of users), then a depth-limited search branching on the roles
 * that contain the first uncovered pair.
 */
function bruteMinimum(nU: number, nP: number, has: (u: number, p: number) => boolean): number {
  const cands: Array<{ us: number[]; ps: number[] }> = [];
  const seen = new Set<string>();
  for (let mask = 1; mask < 1 << nU; mask++) {
    const ps: number[] = [];
    for (let p = 0; p < nP; p++) {
      let all = true;
      for (let u = 0; u < nU; u++) if (mask & (1 << u) && !has(u, p)) all = false;
      if (all) ps.push(p);
    }
    if (!ps.length) continue;
    const us: number[] = [];
    for (let u = 0; u < nU; u++) if (ps.every((p) => has(u, p))) us.push(u);
    const key = us.join(",");
    if (!seen.has(key)) {
      seen.add(key);
      cands.push({ us, ps });
    }
  }
  const edges: Array<[number, number]> = [];
  for (let u = 0; u < nU; u++) for (let p = 0; p < nP; p++) if (has(u, p)) edges.push([u, p]);
  const covered = new Int32Array(nU * nP);
  const search = (k: number): boolean => {
    const e = edges.find(([u, p]) => covered[u * nP + p] === 0);
    if (!e) return true;
    if (k === 0) return false;
    for (const c of cands) {
      if (!c.us.includes(e[0]) || !c.ps.includes(e[1])) continue;
      for (const u of c.us) for (const p of c.ps) covered[u * nP + p]++;
      const ok = search(k - 1);
      for (const u of c.us) for (const p of c.ps) covered[u * nP + p]--;
      if (ok) return true;
    }
    return false;
  };
  for (let k = 0; ; k++) if (search(k)) return k;
}

/** Each user's permissions, rebuilt from the roles, equal the input's (the contract of `mine`). */
function permissionsPerUser(us: ArrayLike<number>, ps: ArrayLike<number>): Map<number, string> {
  const m = new Map<number, Set<number>>();
  for (let i = 0; i < us.length; i++) {
    if (!m.has(us[i])) m.set(us[i], new Set());
    m.get(us[i])!.add(ps[i]);
  }
  return new Map([...m].map(([u, s]) => [u, [...s].sort((a, b) => a - b).join(",")]));
}
function rolesPerUser(roles: ReadonlyArray<{ users: number[]; permissions: number[] }>): Map<number, string> {
  const m = new Map<number, Set<number>>();
  for (const r of roles)
    for (const u of r.users) {
      if (!m.has(u)) m.set(u, new Set());
      for (const p of r.permissions) m.get(u)!.add(p);
    }
  return new Map([...m].map(([u, s]) => [u, [...s].sort((a, b) => a - b).join(",")]));
}

/**
 * Planted structure with a known minimum: R roles over overlapping permission sets, each role with a
 * private permission and a user holding that role alone. The pairs (that user, private permission) are
 * pairwise incompatible, so at least R roles are needed, and the R planted roles suffice.
 */
function plantedExact(R: number, users: number, seed: number): PairMatrix {
  const rng = mulberry32(seed);
  const shared = 3 * R;
  const roles: number[][] = [];
  for (let k = 0; k < R; k++) {
    const s = new Set<number>([shared + k]); // private permission
    const n = 2 + Math.floor(rng() * 6);
    while (s.size < n + 1) s.add(Math.floor(rng() * shared));
    roles.push([...s]);
  }
  const us: number[] = [];
  const ps: number[] = [];
  for (let u = 0; u < users; u++) {
    const held = new Set<number>();
    const mine = u < R ? [u] : Array.from({ length: 1 + Math.floor(rng() * 3) }, () => Math.floor(rng() * R));
    for (const k of mine) for (const p of roles[k]) held.add(p);
    for (const p of held) (us.push(u), ps.push(p));
  }
  return { nUsers: users, nPerms: shared + R, us: Int32Array.from(us), ps: Int32Array.from(ps) };
}

describe("exact path: minimum on small matrices (checked by brute force)", () => {
  const matrix = fc
    .record({ nu: fc.integer({ min: 1, max: 6 }), np: fc.integer({ min: 1, max: 7 }), density: fc.double({ min: 0.2, max: 0.9, noNaN: true }), seed: fc.integer() })
    .map(({ nu, np, density, seed }) => {
      const rng = mulberry32(seed);
      const us: number[] = [];
      const ps: number[] = [];
      for (let u = 0; u < nu; u++) for (let p = 0; p < np; p++) if (rng() < density) (us.push(u), ps.push(p));
      return { nu, np, us, ps };
    });

  it("roles = brute-force minimum, proven, and every user's permissions reproduced", () => {
    fc.assert(
      fc.property(matrix, ({ nu, np, us, ps }) => {
        const set = new Set(us.map((u, i) => u * np + ps[i]));
        const min = bruteMinimum(nu, np, (u, p) => set.has(u * np + p));
        const r = mineRolesIndexed(nu, np, us, ps, { timeLimitMs: 2000, clock: cpuClock });
        expect(verifyExactCoverIndexed(np, us, ps, r.roles)).toBeNull();
        expect(rolesPerUser(r.roles)).toEqual(permissionsPerUser(us, ps));
        expect(r.roles.length).toBe(min);
        expect(r.optimal).toBe(true);
        expect(r.lowerBound).toBe(min);
      }),
      { numRuns: 200 },
    );
  });

  it("a bound never exceeds the minimum, also when the search is cut short", () => {
    fc.assert(
      fc.property(matrix, ({ nu, np, us, ps }) => {
        const set = new Set(us.map((u, i) => u * np + ps[i]));
        const min = bruteMinimum(nu, np, (u, p) => set.has(u * np + p));
        const m = buildReduced(nu, np, us, ps);
        const res = solveExact(m, { clock: cpuClock, deadline: cpuClock() + 1, rng: mulberry32(1) });
        if (!res) return;
        expect(res.lowerBound).toBeLessThanOrEqual(min);
        expect(res.roles.length).toBeGreaterThanOrEqual(min);
      }),
      { numRuns: 100 },
    );
  });

  it("the 5-cycle of compatible pairs needs 3 roles although no 3 pairs are pairwise incompatible", () => {
    // clique partition of C5: independence number 2, clique cover number 3; the search proves it
    const g = new BitGraph(5);
    for (let i = 0; i < 5; i++) g.set(i, (i + 1) % 5);
    const res = colourH(g, [0, 1, 2, 3, 4], [0, 2], 2, mulberry32(3), cpuClock, cpuClock() + 2000);
    expect(res.classes.length).toBe(3);
    expect(res.exact).toBe(true);
    for (const cls of res.classes) for (const a of cls) for (const b of cls) if (a !== b) expect(g.has(a, b)).toBe(true);
  });
});

describe("exact path: planted structure", () => {
  for (const [R, users, seed] of [
    [12, 60, 1],
    [40, 400, 2],
    [150, 3000, 3],
  ] as const) {
    it(`${R} planted roles over ${users} users: ${R} roles, proven, exact per user`, () => {
      const m = plantedExact(R, users, seed);
      const r = mineRolesIndexed(m.nUsers, m.nPerms, m.us, m.ps, { timeLimitMs: 10_000, clock: cpuClock });
      expect(verifyExactCoverIndexed(m.nPerms, m.us, m.ps, r.roles)).toBeNull();
      expect(rolesPerUser(r.roles)).toEqual(permissionsPerUser(m.us, m.ps));
      expect(r.roles.length).toBe(R);
      expect(r.lowerBound).toBe(R);
      expect(r.optimal).toBe(true);
    });
  }

  it("relabelling users and permissions does not change the result's size", () => {
    const m = plantedExact(30, 300, 9);
    const a = mineRolesIndexed(m.nUsers, m.nPerms, m.us, m.ps, { timeLimitMs: 5000, clock: cpuClock });
    const p = permuteMatrix(m, 7);
    const b = mineRolesIndexed(p.nUsers, p.nPerms, p.us, p.ps, { timeLimitMs: 5000, clock: cpuClock });
    expect(verifyExactCoverIndexed(p.nPerms, p.us, p.ps, b.roles)).toBeNull();
    expect(b.roles.length).toBe(a.roles.length);
    expect(b.optimal).toBe(true);
  });

  it("side-by-side blocks: the minimum is the sum of the blocks' minima", () => {
    const parts = [plantedExact(10, 50, 4), plantedExact(7, 40, 5), plantedExact(5, 30, 6)];
    const m = blockDiagonal(parts);
    const r = mineRolesIndexed(m.nUsers, m.nPerms, m.us, m.ps, { timeLimitMs: 5000, clock: cpuClock });
    expect(verifyExactCoverIndexed(m.nPerms, m.us, m.ps, r.roles)).toBeNull();
    expect(r.roles.length).toBe(22);
    expect(r.optimal).toBe(true);
  });

  it("noisy variants still give exact covers and a bound no larger than the roles", () => {
    const base = plantedExact(40, 400, 8);
    for (const m of [addNoise(base, 0.05, 1), dropUsers(base, 0.1, 2), addNoise(dropUsers(base, 0.05, 3), 0.1, 4)]) {
      const r = mineRolesIndexed(m.nUsers, m.nPerms, m.us, m.ps, { timeLimitMs: 1000, clock: cpuClock });
      expect(verifyExactCoverIndexed(m.nPerms, m.us, m.ps, r.roles)).toBeNull();
      expect(rolesPerUser(r.roles)).toEqual(permissionsPerUser(m.us, m.ps));
      expect(r.lowerBound).toBeLessThanOrEqual(r.roles.length);
    }
  });
});

const dir = process.env.GATEHOUSE_SHARED_DIR
  ? path.join(process.env.GATEHOUSE_SHARED_DIR, "datasets", "rolemining")
  : path.resolve(process.cwd(), "../shared/datasets/rolemining");
const PUBLISHED = { hc: 14, domino: 20, emea: 34, fire1: 64, fire2: 10, apj: 453 } as const;
const haveAll = Object.keys(PUBLISHED).every((n) => existsSync(path.join(dir, `${n}.txt`)));
if (!haveAll) console.warn(`skipping HP data-set tests: ${dir} not found (in CI ../shared is always present)`);

describe.skipIf(!haveAll)("published minima of the six shared HP data sets, and look-alikes", () => {
  for (const [name, min] of Object.entries(PUBLISHED)) {
    it(`${name}: ${min} roles, proven, every user's permissions reproduced`, () => {
      const pairs = parsePairs(readFileSync(path.join(dir, `${name}.txt`), "utf8"));
      const res = mineRoles(pairs, { timeLimitMs: 10_000, clock: cpuClock });
      expect(verifyExactCover(pairs, res.roles)).toBeNull();
      expect(res.roles.length).toBe(min);
      expect(res.lowerBound).toBe(min);
      expect(res.optimal).toBe(true);
    });
    it(`${name} relabelled: ${min} roles, proven`, () => {
      const m = permuteMatrix(indexPairs(parsePairs(readFileSync(path.join(dir, `${name}.txt`), "utf8"))), 11);
      const r = mineRolesIndexed(m.nUsers, m.nPerms, m.us, m.ps, { timeLimitMs: 10_000, clock: cpuClock });
      expect(verifyExactCoverIndexed(m.nPerms, m.us, m.ps, r.roles)).toBeNull();
      expect(r.roles.length).toBe(min);
      expect(r.optimal).toBe(true);
    });
  }
});
