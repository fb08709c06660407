/**
 * Role-mining benchmark: `npm run bench:mining`.
 * For every *.txt data set in ../shared/datasets/rolemining (or $GATEHOUSE_SHARED_DIR/datasets/rolemining,
 * or $GATEHOUSE_SHARED_DIR itself if it holds the .txt files), for look-alike variants of the six HP
 * files (NAME~perm: users and permissions relabelled, same published minimum; NAME~drop5: 5% of users
 * dropped; NAME~noise1: 1% extra pairs; hp-blocks: all six side by side, minimum = sum), for
 * planted-role matrices shaped like the held-out HP sets (americas_small 3,477 x 1,587, americas_large
 * 3,485 x 10,127, customer 10,021 x 277, with 1.5% and 5-10% noise; see lib/domain/mining/planted.ts:
 * "published" shows the planted role count and the size of the cover the construction gives, an upper
 * bound on the minimum), for a synthetic organisation of 50,000 people x 2,000 entitlements (at 50 s and
 * at 10 s) and for a uniformly random 10,000 x 10,000 matrix with 200,000 pairs, runs the miner in a
 * child process (so peak RSS is per run) and prints users, permissions, assignments, roles, published
 * minimum, lower bound, |UA|+|PA|, wall seconds, CPU seconds, peak memory, whether the result
 * reproduces the input exactly and whether it is proven minimum (roles = lower bound).
 * Options: --time-limit SECONDS (default 10 per data set; synthetic-50k gets 50), --only NAME[,NAME].
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  mineRoles,
  mineRolesIndexed,
  parsePairs,
  verifyExactCover,
  verifyExactCoverIndexed,
} from "../../lib/domain/mining/role-mining";
import { plantedMatrix } from "../../lib/domain/mining/planted";
import { addNoise, blockDiagonal, dropUsers, indexPairs, permuteMatrix, type PairMatrix } from "../../lib/domain/mining/variants";
import { syntheticOrg } from "../../lib/domain/mining/synthetic";

/** Generated inputs (name -> matrix and what to print as "published"). */
function generated(name: string): { nUsers: number; nPerms: number; us: Int32Array; ps: Int32Array; published: string } | null {
  if (name === "synthetic-50k" || name === "synthetic-50k-10s") {
    const org = syntheticOrg({ people: 50_000, entitlements: 2_000, roles: 100, seed: 42 });
    return { ...org, published: `(${org.hiddenRoles} hidden + noise)` };
  }
  const planted: Record<string, Parameters<typeof plantedMatrix>[0]> = {
    "planted-as": { users: 3477, perms: 1587, roles: 180, seed: 1, minRoles: 1, maxRoles: 5, permSkew: 1.0, noise: 0.015 },
    "planted-al": { users: 3485, perms: 10127, roles: 400, seed: 2, minRoles: 1, maxRoles: 3, permSkew: 0.9, noise: 0.015, maxRoleSize: 400 },
    "planted-cust": { users: 10021, perms: 277, roles: 280, seed: 3, minRoles: 1, maxRoles: 2, minRoleSize: 1, permSkew: 1.0, noise: 0.015 },
    // noisier look-alikes: they leave a kernel after the reductions
    "planted-as-n05": { users: 3477, perms: 1587, roles: 180, seed: 11, minRoles: 1, maxRoles: 5, permSkew: 1.0, noise: 0.05 },
    "planted-as-n10": { users: 3477, perms: 1587, roles: 180, seed: 12, minRoles: 1, maxRoles: 6, permSkew: 1.0, noise: 0.1 },
    "planted-al-n05": { users: 3485, perms: 10127, roles: 400, seed: 13, minRoles: 1, maxRoles: 3, permSkew: 0.9, noise: 0.05, maxRoleSize: 400 },
    "planted-cust-n05": { users: 10021, perms: 277, roles: 280, seed: 14, minRoles: 1, maxRoles: 3, minRoleSize: 1, permSkew: 1.0, noise: 0.05 },
  };
  if (planted[name]) {
    const m = plantedMatrix(planted[name]);
    return { ...m, published: `(planted ${m.planted}, cover ${m.plantedCover})` };
  }
  if (name === "random-10k") {
    // 200,000 distinct uniformly random pairs of a 10,000 x 10,000 matrix
    let s = 5;
    const rnd = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
    const seen = new Set<number>();
    const us: number[] = [];
    const ps: number[] = [];
    while (us.length < 200_000) {
      const u = Math.floor(rnd() * 10_000);
      const p = Math.floor(rnd() * 10_000);
      if (seen.has(u * 10_000 + p)) continue;
      seen.add(u * 10_000 + p);
      us.push(u);
      ps.push(p);
    }
    return { nUsers: 10_000, nPerms: 10_000, us: Int32Array.from(us), ps: Int32Array.from(ps), published: "(random)" };
  }
  return null;
}

/** HP data-set variants: NAME~perm (relabelled: same minimum), NAME~drop5 (5% of users dropped), NAME~noise1 (1% extra pairs). */
const VARIANTS: Record<string, (m: PairMatrix) => PairMatrix> = {
  perm: (m) => permuteMatrix(m, 101),
  drop5: (m) => permuteMatrix(dropUsers(m, 0.05, 202), 203),
  noise1: (m) => addNoise(m, 0.01, 303),
};
const HP_FILES = ["hc", "domino", "emea", "fire1", "fire2", "apj"];

function fileMatrix(dir: string, name: string): PairMatrix {
  return indexPairs(parsePairs(readFileSync(path.join(dir, `${name}.txt`), "utf8")));
}

const PUBLISHED: Record<string, number> = {
  hc: 14,
  healthcare: 14,
  domino: 20,
  emea: 34,
  fire1: 64,
  firewall1: 64,
  fire2: 10,
  firewall2: 10,
  apj: 453,
  as: 178,
  americas_small: 178,
  al: 398,
  americas_large: 398,
};

interface Row {
  name: string;
  users: number;
  permissions: number;
  assignments: number;
  roles: number;
  published: string;
  lowerBound: number;
  edges: number;
  seconds: number;
  peakMB: number;
  cpuSeconds: number;
  exact: boolean;
  note?: string;
}

const cpuSeconds = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

function datasetDir(): string {
  const env = process.env.GATEHOUSE_SHARED_DIR;
  if (env) {
    const sub = path.join(env, "datasets", "rolemining");
    return existsSync(sub) ? sub : env;
  }
  return path.resolve(process.cwd(), "../shared/datasets/rolemining");
}

/** NAME~VARIANT of a shared HP file, or "hp-blocks" (all six side by side). */
function variantOf(name: string): (PairMatrix & { published: string }) | null {
  const dir = datasetDir();
  if (name === "hp-blocks") {
    const m = permuteMatrix(blockDiagonal(HP_FILES.map((f) => fileMatrix(dir, f))), 404);
    return { ...m, published: String(HP_FILES.reduce((a, f) => a + PUBLISHED[f], 0)) };
  }
  const [base, kind] = name.split("~");
  if (!kind || !VARIANTS[kind]) return null;
  const m = VARIANTS[kind](fileMatrix(dir, base));
  return { ...m, published: kind === "perm" && PUBLISHED[base] !== undefined ? String(PUBLISHED[base]) : "-" };
}

function runOne(name: string, file: string | null, timeLimitMs: number): Row {
  if (file) {
    const pairs = parsePairs(readFileSync(file, "utf8"));
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const r = mineRoles(pairs, { timeLimitMs });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - c0;
    const exact = verifyExactCover(pairs, r.roles) === null;
    return {
      name,
      users: r.users,
      permissions: r.permissions,
      assignments: r.assignments,
      roles: r.roles.length,
      published: PUBLISHED[name] !== undefined ? String(PUBLISHED[name]) : "-",
      lowerBound: r.lowerBound,
      edges: r.edges,
      seconds,
      peakMB: process.resourceUsage().maxRSS / 1024,
      cpuSeconds: cpu,
      exact,
    };
  }
  const org = generated(name) ?? variantOf(name);
  if (!org) throw new Error(`unknown generated data set ${name}`);
  const t0 = performance.now();
  const c0 = cpuSeconds();
  const r = mineRolesIndexed(org.nUsers, org.nPerms, org.us, org.ps, { timeLimitMs });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  const exact = verifyExactCoverIndexed(org.nPerms, org.us, org.ps, r.roles) === null;
  let edges = 0;
  for (const role of r.roles) edges += role.users.length + role.permissions.length;
  return {
    name,
    users: org.nUsers,
    permissions: org.nPerms,
    assignments: r.assignments,
    roles: r.roles.length,
    published: org.published,
    lowerBound: r.lowerBound,
    edges,
    seconds,
    peakMB: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: cpu,
    exact,
    note:
      `reduced ${r.reducedUsers} x ${r.reducedPermissions}, ${r.essentialRoles} essential roles, ` +
      (r.kernelEdges === undefined ? "kernel too large: heuristics" : `kernel ${r.kernelEdges} edges`),
  };
}

function main(): number {
  const argv = process.argv.slice(2);
  const opt = (n: string): string | undefined => {
    const i = argv.indexOf(n);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const tl = Number(opt("--time-limit") ?? 10) * 1000;
  // child mode: run one data set, print one JSON line
  const one = opt("--one");
  if (one !== undefined) {
    const file = opt("--file") ?? null;
    const row = runOne(one, file, file || one !== "synthetic-50k" ? tl : Number(opt("--time-limit") ?? 50) * 1000);
    process.stdout.write(JSON.stringify(row) + "\n");
    return 0;
  }
  const dir = datasetDir();
  const jobs: Array<{ name: string; file: string | null }> = [];
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".txt")).sort())
      jobs.push({ name: f.replace(/\.txt$/, ""), file: path.join(dir, f) });
  } else {
    console.error(`note: data-set folder ${dir} not found; only the synthetic organisation is run`);
  }
  if (existsSync(dir)) {
    for (const kind of Object.keys(VARIANTS))
      for (const f of HP_FILES) if (existsSync(path.join(dir, `${f}.txt`))) jobs.push({ name: `${f}~${kind}`, file: null });
    if (HP_FILES.every((f) => existsSync(path.join(dir, `${f}.txt`)))) jobs.push({ name: "hp-blocks", file: null });
  }
  for (const name of [
    "planted-as",
    "planted-al",
    "planted-cust",
    "planted-as-n05",
    "planted-as-n10",
    "planted-al-n05",
    "planted-cust-n05",
    "synthetic-50k",
    "synthetic-50k-10s",
    "random-10k",
  ])
    jobs.push({ name, file: null });
  const only = opt("--only")?.split(",");
  const self = fileURLToPath(import.meta.url);
  const rows: Row[] = [];
  for (const job of only ? jobs.filter((j) => only.includes(j.name)) : jobs) {
    const args = [...process.execArgv, self, "--one", job.name];
    if (job.file) args.push("--file", job.file, "--time-limit", String(tl / 1000));
    else if (job.name === "synthetic-50k") {
      if (opt("--time-limit")) args.push("--time-limit", String(Math.max(tl / 1000, 50)));
    } else args.push("--time-limit", String(tl / 1000));
    const res = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
    const line = res.stdout.trim().split("\n").pop() ?? "";
    try {
      rows.push(JSON.parse(line) as Row);
    } catch {
      console.error(`${job.name}: child failed (exit ${res.status})\n${res.stderr}`);
    }
  }
  const head = ["data set", "users", "perms", "UPA", "roles", "published", "LB", "edges", "seconds", "cpu s", "peak MB", "exact", "optimal"];
  const table = rows.map((r) => [
    r.name,
    String(r.users),
    String(r.permissions),
    String(r.assignments),
    String(r.roles),
    r.published,
    String(r.lowerBound),
    String(r.edges),
    r.seconds.toFixed(2),
    r.cpuSeconds.toFixed(2),
    r.peakMB.toFixed(0),
    r.exact ? "yes" : "NO",
    r.roles === r.lowerBound ? "proven" : "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(fmt(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const t of table) console.log(fmt(t));
  for (const r of rows) if (r.note) console.log(`${r.name}: ${r.note}`);
  return rows.every((r) => r.exact) ? 0 : 1;
}

process.exitCode = main();
