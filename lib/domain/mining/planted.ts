/**
 * Planted-role user-permission matrices shaped like the HP Labs role-mining data sets, for benchmarks
 * (validation without the held-out files).
 *
 * Inputs:  users, permissions, planted roles R, roles per user (min..max), noise rate, seed.
 * Outputs: pairs as dense indices (us[i], ps[i]), the planted role count and `plantedCover`: the number
 *          of roles of the cover the construction itself gives (planted roles in use + one role per
 *          distinct noise permission + one personal role per user who lost a permission), an upper
 *          bound on the minimum.
 * Method:  role permission-set sizes are heavy-tailed (Pareto, alpha 1.1, capped), drawn from a permission
 *          popularity that is itself skewed, so roles overlap; role popularity is Zipf-like (weight
 *          1/(k+1)^0.9), so a few roles have most users. Every permission is placed in at least one role.
 *          Each user holds minRoles..maxRoles roles; every planted role gets at least one user.
 *          Noise: with probability `noise` a user gets one extra random permission, with probability
 *          noise/3 loses one of its permissions (never its last one).
 * Complexity: O(pairs) time and memory.
 */
import { mulberry32 } from "./role-mining";

export interface PlantedMatrix {
  nUsers: number;
  nPerms: number;
  us: Int32Array;
  ps: Int32Array;
  planted: number;
  plantedCover: number;
}

export function plantedMatrix(opts: {
  users: number;
  perms: number;
  roles: number;
  seed?: number;
  minRoles?: number;
  maxRoles?: number;
  noise?: number;
  /** Mean-ish role size scale (Pareto minimum); default 3. */
  minRoleSize?: number;
  /** Cap of a role's permission count; default perms / 4. */
  maxRoleSize?: number;
  /** Skew of permission popularity (weight 1/(p+1)^skew); higher = roles overlap more. Default 0.5. */
  permSkew?: number;
}): PlantedMatrix {
  const { users: nUsers, perms: nPerms, roles: R } = opts;
  const rng = mulberry32(opts.seed ?? 7);
  const minRoles = opts.minRoles ?? 1;
  const maxRoles = opts.maxRoles ?? 5;
  const noise = opts.noise ?? 0.015;
  const xm = opts.minRoleSize ?? 3;
  const cap = Math.max(1, opts.maxRoleSize ?? Math.floor(nPerms / 4));
  // permission popularity: skewed, so that some permissions sit in many roles
  const skew = opts.permSkew ?? 0.5;
  const permW = Array.from({ length: nPerms }, (_, p) => 1 / Math.pow(p + 1, skew));
  const cum = new Float64Array(nPerms);
  let acc = 0;
  for (let p = 0; p < nPerms; p++) cum[p] = acc += permW[p];
  const drawPerm = (): number => {
    const x = rng() * acc;
    let lo = 0;
    let hi = nPerms - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const roleSets: Set<number>[] = [];
  for (let k = 0; k < R; k++) {
    const size = Math.min(cap, Math.floor(xm / Math.pow(1 - rng(), 1 / 1.1)));
    const s = new Set<number>();
    while (s.size < size) s.add(rng() < 0.8 ? drawPerm() : Math.floor(rng() * nPerms));
    roleSets.push(s);
  }
  // every permission in at least one role (spread the unused ones over random roles)
  const used = new Uint8Array(nPerms);
  for (const s of roleSets) for (const p of s) used[p] = 1;
  for (let p = 0; p < nPerms; p++) if (!used[p]) roleSets[Math.floor(rng() * R)].add(p);
  const roleW = Array.from({ length: R }, (_, k) => 1 / Math.pow(k + 1, 0.9));
  const rcum = new Float64Array(R);
  let racc = 0;
  for (let k = 0; k < R; k++) rcum[k] = racc += roleW[k];
  const drawRole = (): number => {
    const x = rng() * racc;
    let lo = 0;
    let hi = R - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rcum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const us: number[] = [];
  const ps: number[] = [];
  const held = new Set<number>();
  const rolesInUse = new Set<number>();
  const noisePerms = new Set<number>();
  let personal = 0;
  const mine: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    held.clear();
    mine.length = 0;
    const n = minRoles + Math.floor(rng() * (maxRoles - minRoles + 1));
    for (let j = 0; j < n; j++) {
      // the first R users get role u, so that every planted role is used
      const k = j === 0 && u < R ? u : drawRole();
      mine.push(k);
      for (const p of roleSets[k]) held.add(p);
    }
    let lost = -1;
    if (rng() < noise) {
      const p = Math.floor(rng() * nPerms);
      if (!held.has(p)) {
        held.add(p);
        noisePerms.add(p);
      }
    }
    if (rng() < noise / 3 && held.size > 1) {
      const arr = [...held];
      lost = arr[Math.floor(rng() * arr.length)];
      held.delete(lost);
    }
    // roles that lost a permission are replaced by one personal role
    let hit = false;
    for (const k of mine)
      if (lost >= 0 && roleSets[k].has(lost)) hit = true;
      else rolesInUse.add(k);
    if (hit) personal++;
    for (const p of held) {
      us.push(u);
      ps.push(p);
    }
  }
  return {
    nUsers,
    nPerms,
    us: Int32Array.from(us),
    ps: Int32Array.from(ps),
    planted: R,
    plantedCover: rolesInUse.size + noisePerms.size + personal,
  };
}
