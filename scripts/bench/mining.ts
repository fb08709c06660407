/**
 * Role-mining benchmark: `npm run bench:mining`.
 * For every *.txt data set in ../shared/datasets/rolemining (or $GATEHOUSE_SHARED_DIR/datasets/rolemining,
 * or $GATEHOUSE_SHARED_DIR itself if it holds the .txt files) and for a synthetic organisation of
 * 50,000 people x 2,000 entitlements, runs the miner in a child process (so peak RSS is per run) and
 * prints users, permissions, assignments, roles, published minimum, lower bound, |UA|+|PA|, seconds,
 * peak memory and whether the result reproduces the input exactly.
 * Options: --time-limit SECONDS (default 10 per data set; the synthetic run gets 50), --only NAME[,NAME].
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
import { syntheticOrg } from "../../lib/domain/mining/synthetic";

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
  exact: boolean;
  note?: string;
}

function datasetDir(): string {
  const env = process.env.GATEHOUSE_SHARED_DIR;
  if (env) {
    const sub = path.join(env, "datasets", "rolemining");
    return existsSync(sub) ? sub : env;
  }
  return path.resolve(process.cwd(), "../shared/datasets/rolemining");
}

function runOne(name: string, file: string | null, timeLimitMs: number): Row {
  if (file) {
    const pairs = parsePairs(readFileSync(file, "utf8"));
    const t0 = performance.now();
    const r = mineRoles(pairs, { timeLimitMs });
    const seconds = (performance.now() - t0) / 1000;
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
      exact,
    };
  }
  const org = syntheticOrg({ people: 50_000, entitlements: 2_000, roles: 100, seed: 42 });
  const t0 = performance.now();
  const r = mineRolesIndexed(org.nUsers, org.nPerms, org.us, org.ps, { timeLimitMs });
  const seconds = (performance.now() - t0) / 1000;
  const exact = verifyExactCoverIndexed(org.nPerms, org.us, org.ps, r.roles) === null;
  let edges = 0;
  for (const role of r.roles) edges += role.users.length + role.permissions.length;
  return {
    name,
    users: org.nUsers,
    permissions: org.nPerms,
    assignments: r.assignments,
    roles: r.roles.length,
    published: `(${org.hiddenRoles} hidden + noise)`,
    lowerBound: r.lowerBound,
    edges,
    seconds,
    peakMB: process.resourceUsage().maxRSS / 1024,
    exact,
    note: `reduced ${r.reducedUsers} x ${r.reducedPermissions}`,
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
    const row = runOne(one, file, file ? tl : Number(opt("--time-limit") ?? 50) * 1000);
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
  jobs.push({ name: "synthetic-50k", file: null });
  const only = opt("--only")?.split(",");
  const self = fileURLToPath(import.meta.url);
  const rows: Row[] = [];
  for (const job of only ? jobs.filter((j) => only.includes(j.name)) : jobs) {
    const args = [...process.execArgv, self, "--one", job.name];
    if (job.file) args.push("--file", job.file, "--time-limit", String(tl / 1000));
    else if (opt("--time-limit")) args.push("--time-limit", String(Math.max(tl / 1000, 50)));
    const res = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
    const line = res.stdout.trim().split("\n").pop() ?? "";
    try {
      rows.push(JSON.parse(line) as Row);
    } catch {
      console.error(`${job.name}: child failed (exit ${res.status})\n${res.stderr}`);
    }
  }
  const head = ["data set", "users", "perms", "UPA", "roles", "published", "LB", "edges", "seconds", "peak MB", "exact", "optimal"];
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
