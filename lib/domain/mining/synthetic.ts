/**
 * Deterministic synthetic organisation for benchmarks and tests.
 *
 * Inputs:  number of people, number of entitlements, number of hidden roles, seed, noise rates.
 * Outputs: people (department, title, level) and user-permission pairs as dense indices.
 * Method:  hidden roles are tied to (department, title) groups; each person gets the role of their
 *          group plus 1-3 further roles (mostly from their department), then noise: an extra random
 *          entitlement from a pool of 40 ad-hoc ones with probability `extraRate`, a dropped one with probability `dropRate`.
 * Complexity: O(pairs) time and memory.
 */
import { mulberry32 } from "./role-mining";

export interface SyntheticOrg {
  nUsers: number;
  nPerms: number;
  us: Int32Array;
  ps: Int32Array;
  people: Array<{ department: string; title: string; level: number }>;
  hiddenRoles: number;
}

export function syntheticOrg(opts: {
  people?: number;
  entitlements?: number;
  roles?: number;
  seed?: number;
  extraRate?: number;
  dropRate?: number;
} = {}): SyntheticOrg {
  const nUsers = opts.people ?? 50_000;
  const nPerms = opts.entitlements ?? 2_000;
  const nRoles = opts.roles ?? 100;
  const extraRate = opts.extraRate ?? 0.03;
  const dropRate = opts.dropRate ?? 0.005;
  const rng = mulberry32(opts.seed ?? 42);
  const departments = 10;
  const titlesPerDept = Math.max(1, Math.round(nRoles / departments));
  // hidden roles: role k belongs to department k % departments
  const roles: Int32Array[] = [];
  for (let k = 0; k < nRoles; k++) {
    const size = 8 + Math.floor(rng() * 30);
    const set = new Set<number>();
    // roles of one department share a pool of entitlements, so they overlap realistically
    const dept = k % departments;
    const poolStart = Math.floor((dept * nPerms) / departments);
    const poolSize = Math.max(1, Math.floor(nPerms / departments));
    while (set.size < Math.min(size, nPerms)) {
      const p = rng() < 0.8 ? poolStart + Math.floor(rng() * poolSize) : Math.floor(rng() * nPerms);
      set.add(p % nPerms);
    }
    roles.push(Int32Array.from([...set].sort((a, b) => a - b)));
  }
  const adHoc = Array.from({ length: 40 }, () => Math.floor(rng() * nPerms));
  const people: SyntheticOrg["people"] = [];
  const us: number[] = [];
  const ps: number[] = [];
  const held = new Set<number>();
  for (let u = 0; u < nUsers; u++) {
    const dept = Math.floor(rng() * departments);
    const t = Math.floor(rng() * titlesPerDept);
    const level = 1 + Math.floor(rng() * 5);
    people.push({ department: `D${dept}`, title: `T${dept}-${t}`, level });
    held.clear();
    const base = (t * departments + dept) % nRoles;
    for (const p of roles[base]) held.add(p);
    const extra = 1 + Math.floor(rng() * 3);
    for (let j = 0; j < extra; j++) {
      const k =
        rng() < 0.7
          ? ((Math.floor(rng() * titlesPerDept) * departments + dept) % nRoles)
          : Math.floor(rng() * nRoles);
      for (const p of roles[k]) held.add(p);
    }
    // ad-hoc grants come from a small pool (shared drives, tools), as in real exports
    if (rng() < extraRate) held.add(adHoc[Math.floor(rng() * adHoc.length)]);
    if (rng() < dropRate && held.size > 1) {
      const arr = [...held];
      held.delete(arr[Math.floor(rng() * arr.length)]);
    }
    for (const p of held) {
      us.push(u);
      ps.push(p);
    }
  }
  return { nUsers, nPerms, us: Int32Array.from(us), ps: Int32Array.from(ps), people, hiddenRoles: nRoles };
}
