/**
 * `gatehouse usage import --app KEY FILE [--dry-run] [--json]`: a usage file (CSV `account, last_used`) for one
 * application, as on the application page. All or nothing: any malformed row changes nothing (exit 1, every bad row
 * printed with its line); unknown accounts are listed; sign-ins are stored on the accounts and carried to their
 * grants, which the dormant-access findings and the review pre-analysis read.
 */
import fs from "node:fs";
import { openDb, migrate } from "@/db/client";
import { importUsage } from "@/lib/services/usage/import-usage";

const usage = `Usage: gatehouse usage import --app KEY FILE [--dry-run] [--json]
  Import the last sign-in of each account of one application from a CSV file with a header naming the columns
  account and last_used (aliases: username, user name, login; last_login, last login, last seen); other columns are
  ignored. Dates: YYYY-MM-DD (midnight UTC) or an ISO date-time (2026-03-01T10:00:00Z).
  A file with any malformed row changes nothing (exit 1). Accounts Gatehouse does not know are listed and skipped.
  A sign-in older than the one already stored is kept as it is.
  --dry-run   show what would change, write nothing
  --json      print the result as JSON`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "import" || rest.includes("--help")) {
    console.log(usage);
    return sub === "--help" || rest.includes("--help") ? 0 : 2;
  }
  let app: string | undefined;
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === "--app") app = rest[++i];
    else if (a === "--dry-run" || a === "--json") continue;
    else if (a.startsWith("--")) {
      console.error(`Unknown option ${a}\n\n${usage}`);
      return 2;
    } else if (!file) file = a;
    else {
      console.error(`Unexpected argument "${a}"\n\n${usage}`);
      return 2;
    }
  }
  if (!app || !file) {
    console.error(`usage import needs --app KEY and a FILE\n\n${usage}`);
    return 2;
  }
  if (!fs.existsSync(file)) {
    console.error(`No such file: ${file}`);
    return 2;
  }
  const dryRun = rest.includes("--dry-run");
  const h = await openDb({ holder: "gatehouse usage import" });
  try {
    await migrate(h);
    const actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin" as const], ownedApplicationIds: [] };
    let r;
    try {
      r = await importUsage({ ctx: { db: h.db, actor }, input: { applicationKey: app, csv: fs.readFileSync(file, "utf8"), dryRun } });
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      return 2;
    }
    if (rest.includes("--json")) {
      console.log(JSON.stringify(r, null, 2));
      return r.errors.length ? 1 : 0;
    }
    for (const e of r.errors) console.log(`row ${e.line}${e.column ? `, column ${e.column}` : ""}: ${e.message}`);
    if (r.errors.length) {
      console.log(`\n${r.errors.length} error(s) in ${r.rows} rows: nothing was imported. Fix the file and run it again.`);
      return 1;
    }
    for (const u of r.unknownAccounts.slice(0, 50)) console.log(`row ${u.line}: no account "${u.account}" in ${r.application.name} (skipped)`);
    if (r.unknownAccounts.length > 50) console.log(`… and ${r.unknownAccounts.length - 50} more unknown accounts`);
    console.log(
      `${dryRun ? "DRY RUN (nothing written): " : ""}${r.application.name}: ${r.rows} rows; ${r.updated} accounts ${dryRun ? "would get" : "got"} a newer last sign-in, ` +
        `${r.unchanged} already had a later one, ${r.unknownAccounts.length} unknown; ${r.grantsUpdated} grants' last use ${dryRun ? "would move" : "moved"} forward.`,
    );
    return 0;
  } finally {
    await h.close();
  }
}
