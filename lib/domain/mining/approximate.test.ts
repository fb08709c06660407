import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approximateRoles, type ApproximateResult } from "./approximate";
import { mineRoles } from "./role-mining";
import { mulberry32 } from "../random";

/** Invariants every result must keep, checked against the input itself. */
function checkInvariants(pairs: ReadonlyArray<readonly [string, string]>, r: ApproximateResult) {
  const held = new Map<string, Set<string>>();
  for (const [u, e] of pairs) {
    let s = held.get(u);
    if (!s) held.set(u, (s = new Set()));
    s.add(e);
  }
  const all = new Set(pairs.map(([u, e]) => `${u}|${e}`));
  // Never grants extra access: every member holds every entitlement of the role; and every holder is a member.
  const covered = new Set<string>();
  for (const role of r.roles) {
    const members = new Set(role.users);
    for (const [u, s] of held) {
      const holdsAll = role.permissions.every((p) => s.has(p));
      expect(members.has(u)).toBe(holdsAll);
    }
    for (const u of role.users) for (const p of role.permissions) covered.add(`${u}|${p}`);
  }
  for (const k of covered) expect(all.has(k)).toBe(true);
  // Exceptions and covered pairs split the input exactly.
  const exc = new Set(r.exceptions.map(([u, e]) => `${u}|${e}`));
  expect(exc.size).toBe(r.exceptions.length);
  for (const k of exc) expect(covered.has(k)).toBe(false);
  expect(covered.size + exc.size).toBe(all.size);
  expect(r.covered).toBe(covered.size);
  expect(r.assignments).toBe(all.size);
}

/** People by title, each title with a planted entitlement set, plus noise (extra and missing grants). */
function plantedOrg(seed: number, opts: { perTitle?: number; noise?: number } = {}) {
  const rng = mulberry32(seed);
  const titles: Record<string, string[]> = {
    "Solutions Engineer": ["crm:read", "crm:demo", "slack", "docs", "zoom"],
    "Account Executive": ["crm:read", "crm:write", "slack", "docs", "cpq"],
    "Software Engineer": ["git:write", "ci", "slack", "docs", "jira"],
    "Site Reliability Engineer": ["git:write", "ci", "slack", "cloud:admin", "pager"],
    Accountant: ["erp", "slack", "docs", "expenses:approve"],
  };
  const dept: Record<string, string> = { "Solutions Engineer": "Sales", "Account Executive": "Sales", "Software Engineer": "Engineering", "Site Reliability Engineer": "Engineering", Accountant: "Finance" };
  const extras = ["figma", "tableau", "vpn", "hr:admin", "legal"];
  const pairs: Array<[string, string]> = [];
  const people = new Map<string, { department: string; title: string }>();
  let n = 0;
  for (const [title, ents] of Object.entries(titles)) {
    for (let i = 0; i < (opts.perTitle ?? 20); i++) {
      const id = `p${String(n++).padStart(3, "0")}`;
      people.set(id, { department: dept[title]!, title });
      for (const e of ents) if (rng() >= (opts.noise ?? 0.02)) pairs.push([id, e]);
      if (rng() < (opts.noise ?? 0.02) * 3) pairs.push([id, extras[Math.floor(rng() * extras.length)]!]);
    }
  }
  return { pairs, people, titles };
}

describe("approximateRoles", () => {
  it("covers at least the target with fewer roles than the exact cover, and lists the rest as exceptions", () => {
    const { pairs, people } = plantedOrg(3);
    const r = approximateRoles(pairs, people, { coverage: 0.95 });
    checkInvariants(pairs, r);
    expect(r.coverage).toBeGreaterThanOrEqual(0.95);
    expect(r.truncated).toBe(false);
    const exact = mineRoles(pairs, { timeLimitMs: 2000 });
    expect(r.roles.length).toBeLessThan(exact.roles.length);
    expect(r.exceptions.length).toBe(r.assignments - r.covered);
    expect(r.exceptions.length).toBeGreaterThan(0);
  });

  it("finds the planted per-title roles when access is clean", () => {
    const { pairs, people, titles } = plantedOrg(5, { noise: 0 });
    const r = approximateRoles(pairs, people, { coverage: 1 });
    checkInvariants(pairs, r);
    expect(r.coverage).toBe(1);
    expect(r.exceptions).toEqual([]);
    // Five planted sets overlap (slack, docs...), so the cover needs at most five roles.
    expect(r.roles.length).toBeLessThanOrEqual(Object.keys(titles).length);
  });

  it("honours the coverage target: a lower target gives no more roles", () => {
    const { pairs, people } = plantedOrg(11, { noise: 0.05 });
    let previous = Infinity;
    for (const target of [1, 0.95, 0.8, 0.5]) {
      const r = approximateRoles(pairs, people, { coverage: target });
      checkInvariants(pairs, r);
      expect(r.coverage).toBeGreaterThanOrEqual(target);
      expect(r.target).toBe(target);
      expect(r.roles.length).toBeLessThanOrEqual(previous);
      previous = r.roles.length;
    }
  });

  it("is deterministic: same input in any order gives the same roles and exceptions", () => {
    const { pairs, people } = plantedOrg(7, { noise: 0.05 });
    const a = approximateRoles(pairs, people, { coverage: 0.9 });
    const shuffled = [...pairs];
    const rng = mulberry32(99);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const b = approximateRoles(shuffled, new Map([...people].reverse()), { coverage: 0.9 });
    const strip = (r: ApproximateResult) => ({ roles: r.roles, exceptions: r.exceptions, covered: r.covered });
    expect(strip(b)).toEqual(strip(a));
  });

  it("handles no input and a single pair", () => {
    const empty = approximateRoles([], new Map());
    expect(empty).toMatchObject({ roles: [], exceptions: [], assignments: 0, coverage: 1 });
    const one = approximateRoles([["u", "e"]], new Map(), { coverage: 0.95 });
    checkInvariants([["u", "e"]], one);
    expect(one.roles).toEqual([expect.objectContaining({ users: ["u"], permissions: ["e"] })]);
  });

  it("an exhausted budget still returns a valid split, marked truncated", () => {
    const { pairs, people } = plantedOrg(13, { noise: 0.05 });
    let t = 0;
    const r = approximateRoles(pairs, people, { coverage: 0.95, timeLimitMs: 5, clock: () => (t += 1) });
    expect(r.truncated).toBe(true);
    checkInvariants(pairs, r);
    expect(r.coverage).toBeGreaterThanOrEqual(0.95); // the single entitlements are always weighed
  });

  it("property: on random matrices the invariants hold for any target", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 9 })), { maxLength: 80 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (raw, target) => {
          const pairs = raw.map(([u, e]) => [`u${u}`, `e${e}`] as const);
          const people = new Map(Array.from({ length: 15 }, (_, i) => [`u${i}`, { title: `T${i % 3}`, department: `D${i % 2}` }]));
          const r = approximateRoles(pairs, people, { coverage: target });
          checkInvariants(pairs, r);
          expect(r.coverage).toBeGreaterThanOrEqual(Math.min(target, 1) - 1e-9);
        },
      ),
      { numRuns: 150 },
    );
  });
});
