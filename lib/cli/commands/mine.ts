/**
 * `gatehouse mine FILE [--format pairs|wide|long] [--json] [--out OUT] [--time-limit SECONDS] [--report REPORT]`
 * Role mining from a user-permission file. With --json, stdout carries exactly one JSON object:
 * {"roles":[{"users":[...],"permissions":[...]}],"stats":{users,permissions,assignments,roles,edges,seconds,lowerBound,optimal}}
 * (ids exactly as written in the input, as strings).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { mineRoles, parsePairs, verifyExactCover } from "../../domain/mining/role-mining";
import { buildAccessReport, detectFormat, parseAccessCsv, permissionOf, reportToCsv, reportToJson } from "../../domain/mining/csv-report";

const USAGE = `Usage: npm run -s gatehouse -- mine FILE [options]

Mines a small set of roles that reproduces every user's permissions exactly.

FILE formats (auto-detected unless --format is given):
  pairs  one "user permission" pair per line, whitespace separated (the shared data-set format)
  wide   CSV: Employee_Name, Department, Job_Title, then one yes/no column per application
  long   CSV: employee, application, entitlement[, level, last_used]

Options:
  --format pairs|wide|long   input format (default: detect)
  --json                     print one JSON object {"roles":[...],"stats":{...}} and nothing else
  --out OUT                  write the output to OUT instead of stdout
  --time-limit SECONDS       time budget of the miner (default 10)
  --report REPORT            (wide/long) also write the access report to REPORT (.json or .csv)
  -h, --help                 this help`;

export async function run(argv: string[]): Promise<number> {
  let file: string | undefined;
  let format: string | undefined;
  let json = false;
  let out: string | undefined;
  let reportOut: string | undefined;
  let timeLimit = 10;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      return 0;
    } else if (a === "--json") json = true;
    else if (a === "--format") format = value();
    else if (a.startsWith("--format=")) format = a.slice(9);
    else if (a === "--out" || a === "-o") out = value();
    else if (a.startsWith("--out=")) out = a.slice(6);
    else if (a === "--report") reportOut = value();
    else if (a === "--time-limit") timeLimit = Number(value());
    else if (a.startsWith("--time-limit=")) timeLimit = Number(a.slice(13));
    else if (a.startsWith("-") && a !== "-") {
      console.error(`mine: unknown option ${a}\n\n${USAGE}`);
      return 2;
    } else if (file === undefined) file = a;
    else {
      console.error(`mine: unexpected argument ${a}\n\n${USAGE}`);
      return 2;
    }
  }
  if (!file) {
    console.error(`mine: missing FILE\n\n${USAGE}`);
    return 2;
  }
  if (format !== undefined && !["pairs", "wide", "long"].includes(format)) {
    console.error(`mine: --format must be pairs, wide or long (got "${format}")`);
    return 2;
  }
  if (!Number.isFinite(timeLimit) || timeLimit <= 0) {
    console.error(`mine: --time-limit must be a positive number of seconds`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`mine: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  try {
    const fmt = (format ?? detectFormat(text)) as "pairs" | "wide" | "long";
    let pairs: Array<[string, string]>;
    if (fmt === "pairs") pairs = parsePairs(text);
    else {
      const parsed = parseAccessCsv(text, fmt);
      const seen = new Set<string>();
      pairs = [];
      for (const r of parsed.records) {
        const p = permissionOf(r);
        const k = `${r.employee}\u0000${p}`;
        if (!seen.has(k)) {
          seen.add(k);
          pairs.push([r.employee, p]);
        }
      }
    }
    const res = mineRoles(pairs, { timeLimitMs: timeLimit * 1000 });
    const problem = verifyExactCover(pairs, res.roles);
    if (problem) throw new Error(`internal error: the mined roles do not reproduce the input (${problem})`);
    const stats = {
      users: res.users,
      permissions: res.permissions,
      assignments: res.assignments,
      roles: res.roles.length,
      edges: res.edges,
      seconds: Math.round(res.seconds * 1000) / 1000,
      lowerBound: res.lowerBound,
      optimal: res.optimal,
    };
    let output: string;
    if (json) output = JSON.stringify({ roles: res.roles, stats }) + "\n";
    else {
      const lines = [
        `${file} (${fmt}): ${stats.users} users, ${stats.permissions} permissions, ${stats.assignments} assignments`,
        `roles: ${stats.roles} (lower bound ${stats.lowerBound}${stats.optimal ? ", proven minimum" : ""}), |UA|+|PA| = ${stats.edges}, ${stats.seconds.toFixed(2)} s`,
        "",
      ];
      res.roles.slice(0, 20).forEach((r, i) => {
        const show = (xs: string[]): string => (xs.length > 8 ? `${xs.slice(0, 8).join(", ")}, ... (${xs.length})` : xs.join(", "));
        lines.push(`R${i + 1}: ${r.users.length} users x ${r.permissions.length} permissions  users: ${show(r.users)}  permissions: ${show(r.permissions)}`);
      });
      if (res.roles.length > 20) lines.push(`... ${res.roles.length - 20} more roles (use --json for all)`);
      output = lines.join("\n") + "\n";
    }
    if (reportOut) {
      if (fmt === "pairs") throw new Error("--report needs a wide or long CSV file");
      const report = buildAccessReport(text, { format: fmt, timeLimitMs: timeLimit * 1000 });
      writeFileSync(reportOut, reportOut.toLowerCase().endsWith(".json") ? reportToJson(report) : reportToCsv(report));
    }
    if (out) writeFileSync(out, output);
    else process.stdout.write(output);
    return 0;
  } catch (e) {
    console.error(`mine: ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
