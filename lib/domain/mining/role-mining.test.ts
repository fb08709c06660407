import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plantedMatrix } from "./planted";
import { mineRoles, mineRolesIndexed, parsePairs, verifyExactCover, verifyExactCoverIndexed } from "./role-mining";
import { syntheticOrg } from "./synthetic";

/** Process CPU time in ms: budgets below do not depend on how loaded the test machine is. */
const cpuClock = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Matrix rows as strings of 0/1 -> pairs ("u<i>", "p<j>"). */
function pairsOf(rows: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  rows.forEach((row, i) => [...row].forEach((ch, j) => ch === "1" && out.push([`u${i}`, `p${j}`])));
  return out;
}

describe("mineRoles on hand-made matrices with a known optimum", () => {
  const cases: Array<{ name: string; rows: string[]; optimum: number }> = [
    { name: "empty", rows: [], optimum: 0 },
    { name: "single pair", rows: ["1"], optimum: 1 },
    { name: "full block", rows: ["111", "111", "111"], optimum: 1 },
    { name: "identity 4", rows: ["1000", "0100", "0010", "0001"], optimum: 4 },
    { name: "two disjoint blocks", rows: ["1100", "1100", "0011", "0011"], optimum: 2 },
    { name: "overlapping blocks", rows: ["110", "111", "011"], optimum: 2 },
    { name: "staircase", rows: ["100", "110", "111"], optimum: 3 },
    // crown graph complement-ish: 3x3 all-ones minus the diagonal needs 3 roles
    { name: "ones minus diagonal", rows: ["011", "101", "110"], optimum: 3 },
    { name: "union of two roles", rows: ["11100", "00111", "11111", "11111"], optimum: 2 },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.optimum} roles, exact`, () => {
      const pairs = pairsOf(c.rows);
      const res = mineRoles(pairs, { timeLimitMs: 2000 });
      expect(verifyExactCover(pairs, res.roles)).toBeNull();
      expect(res.roles.length).toBe(c.optimum);
      expect(res.lowerBound).toBeLessThanOrEqual(c.optimum);
    });
  }

  it("keeps ids exactly as given (strings)", () => {
    const res = mineRoles([["007", "17"], ["007", "x y"]], { timeLimitMs: 500 });
    expect(res.roles).toEqual([{ users: ["007"], permissions: ["17", "x y"] }]);
    expect(res.edges).toBe(3);
  });

  it("ignores duplicate pairs", () => {
    const res = mineRoles([["a", "1"], ["a", "1"], ["b", "1"]], { timeLimitMs: 500 });
    expect(res.assignments).toBe(2);
    expect(res.roles.length).toBe(1);
  });
});

describe("property: the roles reproduce the input exactly and are never fewer than the lower bound", () => {
  const matrix = (maxU: number, maxP: number) =>
    fc
      .record({ nu: fc.integer({ min: 1, max: maxU }), np: fc.integer({ min: 1, max: maxP }), density: fc.double({ min: 0.05, max: 0.95, noNaN: true }), seed: fc.integer() })
      .map(({ nu, np, density, seed }) => {
        let s = seed >>> 0;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
        const us: number[] = [];
        const ps: number[] = [];
        for (let u = 0; u < nu; u++) for (let p = 0; p < np; p++) if (rnd() < density) (us.push(u), ps.push(p));
        return { nu, np, us, ps };
      });

  it("small matrices", () => {
    fc.assert(
      fc.property(matrix(8, 8), ({ nu, np, us, ps }) => {
        const r = mineRolesIndexed(nu, np, us, ps, { timeLimitMs: 200 });
        expect(verifyExactCoverIndexed(np, us, ps, r.roles)).toBeNull();
        expect(r.roles.length).toBeGreaterThanOrEqual(r.lowerBound);
        expect(r.roles.length).toBeLessThanOrEqual(Math.min(nu, np));
      }),
      { numRuns: 150 },
    );
  });

  it("medium matrices", () => {
    fc.assert(
      fc.property(matrix(60, 40), ({ nu, np, us, ps }) => {
        const r = mineRolesIndexed(nu, np, us, ps, { timeLimitMs: 100 });
        expect(verifyExactCoverIndexed(np, us, ps, r.roles)).toBeNull();
        expect(r.roles.length).toBeGreaterThanOrEqual(r.lowerBound);
      }),
      { numRuns: 30 },
    );
  });

  it("each strategy alone gives exact covers (small matrices)", () => {
    for (const strategy of ["concepts", "grow"] as const)
      fc.assert(
        fc.property(matrix(12, 12), ({ nu, np, us, ps }) => {
          const r = mineRolesIndexed(nu, np, us, ps, { timeLimitMs: 50, strategy });
          expect(verifyExactCoverIndexed(np, us, ps, r.roles)).toBeNull();
          expect(r.roles.length).toBeGreaterThanOrEqual(r.lowerBound);
          expect(r.roles.length).toBeLessThanOrEqual(Math.min(nu, np));
        }),
        { numRuns: 40 },
      );
  });

  it("a tiny time budget still returns an exact cover", () => {
    const us: number[] = [];
    const ps: number[] = [];
    let s = 1;
    for (let u = 0; u < 400; u++) for (let p = 0; p < 60; p++) if (((s = (s * 48271) % 2147483647) & 3) === 0) (us.push(u), ps.push(p));
    const r = mineRolesIndexed(400, 60, us, ps, { timeLimitMs: 1 });
    expect(verifyExactCoverIndexed(60, us, ps, r.roles)).toBeNull();
  });
});

describe("larger inputs (concept-pool greedy)", () => {
  it("planted roles: exact, and no more roles than the planted construction needs", () => {
    const m = plantedMatrix({ users: 800, perms: 400, roles: 40, seed: 5, permSkew: 1.0 });
    const r = mineRolesIndexed(m.nUsers, m.nPerms, m.us, m.ps, { timeLimitMs: 2000, clock: cpuClock });
    expect(verifyExactCoverIndexed(m.nPerms, m.us, m.ps, r.roles)).toBeNull();
    expect(r.roles.length).toBeGreaterThanOrEqual(r.lowerBound);
    expect(r.roles.length).toBeLessThanOrEqual(m.plantedCover);
  });

  it("a synthetic organisation of 8,000 people ends far below the one-role-per-column cover", () => {
    const o = syntheticOrg({ people: 8000, entitlements: 600, roles: 40, seed: 3 });
    const r = mineRolesIndexed(o.nUsers, o.nPerms, o.us, o.ps, { timeLimitMs: 3000, clock: cpuClock });
    expect(verifyExactCoverIndexed(o.nPerms, o.us, o.ps, r.roles)).toBeNull();
    expect(r.roles.length).toBeLessThan(0.6 * Math.min(r.reducedUsers, r.reducedPermissions));
  });
});

const dir = path.resolve(process.cwd(), "../shared/datasets/rolemining");
const haveData = existsSync(path.join(dir, "hc.txt")) && existsSync(path.join(dir, "domino.txt"));
if (!haveData) console.warn(`skipping published-minimum tests: ${dir} not found (in CI ../shared is always present)`);

describe.skipIf(!haveData)("published minima (shared HP data sets)", () => {
  for (const [name, min] of [["hc", 14], ["domino", 20]] as const) {
    it(`${name}: ${min} roles, exact, proven by the lower bound`, () => {
      const pairs = parsePairs(readFileSync(path.join(dir, `${name}.txt`), "utf8"));
      const res = mineRoles(pairs, { timeLimitMs: 10_000 });
      expect(verifyExactCover(pairs, res.roles)).toBeNull();
      expect(res.roles.length).toBe(min);
      expect(res.lowerBound).toBe(min);
      expect(res.seconds).toBeLessThan(10);
    });
  }
});
