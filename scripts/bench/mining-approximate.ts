/**
 * Approximate role-mining benchmark: `npm run bench:mining-approx [-- --people N --coverage 0.95 --time-limit S]`.
 * On the synthetic organisation (lib/domain/mining/synthetic.ts: people tied to department/title roles plus noise;
 * default 20,000 people x 2,000 entitlements, 100 hidden roles) and on the planted HP-shaped matrices without HR
 * attributes, runs approximateRoles and prints people, entitlements, assignments, hidden/planted roles, roles found,
 * coverage, exceptions, candidates weighed, seconds, whether the budget cut candidate weighing short, and the
 * process's peak RSS. Each run also re-checks the invariants (no extra access, covered + exceptions = all).
 */
import { approximateRoles } from "../../lib/domain/mining/approximate";
import { plantedMatrix } from "../../lib/domain/mining/planted";
import { syntheticOrg } from "../../lib/domain/mining/synthetic";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const people = arg("people", 20_000);
const coverage = arg("coverage", 0.95);
const timeLimitMs = arg("time-limit", 30) * 1000;

function check(pairs: Array<[string, string]>, r: ReturnType<typeof approximateRoles>): string {
  const held = new Set(pairs.map(([u, e]) => `${u}|${e}`));
  const covered = new Set<string>();
  for (const role of r.roles) for (const u of role.users) for (const p of role.permissions) {
    if (!held.has(`${u}|${p}`)) return "EXTRA ACCESS";
    covered.add(`${u}|${p}`);
  }
  for (const [u, e] of r.exceptions) if (covered.has(`${u}|${e}`)) return "OVERLAP";
  return covered.size + r.exceptions.length === held.size ? "ok" : "MISSING";
}

function run(name: string, m: { nUsers: number; nPerms: number; us: Int32Array; ps: Int32Array }, hidden: string, attrs?: Array<{ department: string; title: string }>) {
  const pairs: Array<[string, string]> = Array.from(m.us, (u, i) => [`u${u}`, `p${m.ps[i]}`]);
  const peopleMap = new Map(attrs?.map((a, i) => [`u${i}`, a]) ?? []);
  const r = approximateRoles(pairs, peopleMap, { coverage, timeLimitMs });
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(
    [name.padEnd(16), String(r.users).padStart(6), String(r.permissions).padStart(6), String(r.assignments).padStart(8), hidden.padStart(10), String(r.roles.length).padStart(6),
      `${(r.coverage * 100).toFixed(2)}%`.padStart(8), String(r.exceptions.length).padStart(8), String(r.candidates).padStart(7), r.seconds.toFixed(2).padStart(7), String(r.truncated).padStart(9), `${rss} MB`.padStart(8), check(pairs, r)].join(" "),
  );
}

console.log(`approximate role mining, coverage target ${coverage * 100}%, budget ${timeLimitMs / 1000} s`);
console.log("data set          people   ents assignments hidden  roles coverage exceptions cands seconds truncated  peakRSS check");
const org = syntheticOrg({ people, entitlements: 2_000, roles: 100, seed: 42 });
run(`synthetic-${people >= 1000 ? `${people / 1000}k` : people}`, org, String(org.hiddenRoles), org.people);
for (const [name, opts] of [
  ["planted-as", { users: 3477, perms: 1587, roles: 180, seed: 1, minRoles: 1, maxRoles: 5, permSkew: 1.0, noise: 0.015 }],
  ["planted-cust", { users: 10021, perms: 277, roles: 280, seed: 3, minRoles: 1, maxRoles: 2, minRoleSize: 1, permSkew: 1.0, noise: 0.015 }],
] as const) {
  const m = plantedMatrix(opts);
  run(name, m, String(m.planted));
}
