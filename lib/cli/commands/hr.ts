import fs from "node:fs";
import { openDb, migrate } from "@/db/client";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";

const usage = `Usage: gatehouse hr import FILE [--dry-run] [--only-valid] [--overlap-days N]
  Import an HR snapshot (CSV). Columns and accepted header aliases: see the README.
  --dry-run      show the detected events and the planned access changes, change nothing
  --only-valid   apply the valid rows even when some rows have errors (default: a file with errors changes nothing)`;

export async function run(argv: string[]): Promise<number> {
  const [sub, file, ...rest] = argv;
  if (sub !== "import" || !file || file === "--help") {
    console.log(usage);
    return sub === "--help" || file === "--help" ? 0 : 2;
  }
  const dryRun = rest.includes("--dry-run");
  const onlyValid = rest.includes("--only-valid");
  const oi = rest.indexOf("--overlap-days");
  const moverOverlapDays = oi >= 0 ? Number(rest[oi + 1]) : 7;
  if (!fs.existsSync(file)) {
    console.error(`No such file: ${file}`);
    return 2;
  }
  const { records, errors } = parseHrCsv(fs.readFileSync(file, "utf8"));
  const h = await openDb({ holder: "gatehouse hr import" });
  try {
    await migrate(h);
    const actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin" as const], ownedApplicationIds: [] };
    const r = await applyHrRecords({ ctx: { db: h.db, actor }, input: { source: "csv", dryRun, onlyValid, moverOverlapDays }, records, rowErrors: errors });
    for (const e of r.errors) console.log(`row ${e.line}${e.column ? `, column ${e.column}` : ""}: ${e.message}`);
    if (r.errors.length && !onlyValid) {
      console.log(`\n${r.errors.length} error(s): nothing was applied. Fix the file, or re-run with --only-valid.`);
      return 1;
    }
    const by: Record<string, number> = {};
    for (const e of r.events) by[e.kind] = (by[e.kind] ?? 0) + 1;
    for (const e of r.events.slice(0, 50)) console.log(`${e.kind.padEnd(11)} ${e.employeeId.padEnd(10)} ${e.reason}`);
    if (r.events.length > 50) console.log(`… and ${r.events.length - 50} more events`);
    console.log(`\n${dryRun ? "DRY RUN (nothing applied): " : ""}${records.length} rows: ${r.created} new, ${r.updated} changed, ${r.unchanged} unchanged.`);
    console.log(`Events: ${Object.entries(by).map(([k, v]) => `${v} ${k}`).join(", ") || "none"}.`);
    console.log(`Access: +${r.access.added} granted, ${r.access.scheduledForRemoval} scheduled for removal after the overlap, -${r.access.revoked} revoked; ${r.operations} provisioning operations planned.`);
    return 0;
  } finally {
    await h.close();
  }
}
