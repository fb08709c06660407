import fs from "node:fs";
import { openDb, migrate } from "@/db/client";
import { parseAsOf, parseHrCsv } from "@/lib/domain/hr-import";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";

const usage = `Usage: gatehouse hr import FILE [--dry-run] [--only-valid] [--as-of TIME] [--overlap-days N]
  Import an HR snapshot (CSV). Columns and accepted header aliases: see the README.
  --dry-run      show the detected events and the planned access changes, change nothing
  --only-valid   apply the valid rows even when some rows have errors (default: a file with errors changes nothing)
  --as-of TIME   when the snapshot was exported (YYYY-MM-DD or an ISO date-time); default: the file's modification
                 time. An as_of column wins for its row. Rows older than the last HR change applied to a person are
                 skipped with a warning.
  --overlap-days N  how long movers keep their old access (default 7)
  Exit code 4: the batch was held by the mass-change guard (an admin releases it in the portal, Admin → Held runs).`;

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
  const ai = rest.indexOf("--as-of");
  let asOf: string;
  if (ai >= 0) {
    const parsed = parseAsOf(rest[ai + 1] ?? "");
    if (!parsed) {
      console.error(`--as-of "${rest[ai + 1] ?? ""}" is not a time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])`);
      return 2;
    }
    asOf = parsed;
  } else asOf = fs.statSync(file).mtime.toISOString();
  const { records, errors } = parseHrCsv(fs.readFileSync(file, "utf8"));
  const h = await openDb({ holder: "gatehouse hr import" });
  try {
    await migrate(h);
    const actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin" as const], ownedApplicationIds: [] };
    const r = await applyHrRecords({ ctx: { db: h.db, actor }, input: { source: "csv", dryRun, onlyValid, moverOverlapDays, asOf }, records, rowErrors: errors });
    for (const e of r.errors) console.log(`row ${e.line}${e.column ? `, column ${e.column}` : ""}: ${e.message}`);
    if (r.errors.length && !onlyValid && !dryRun) {
      console.log(`\n${r.errors.length} error(s): nothing was applied. Fix the file, or re-run with --only-valid.`);
      return 1;
    }
    if (r.errors.length && !onlyValid) console.log(`\n${r.errors.length} error(s): the dry run below covers the valid rows only (what --only-valid applies).`);
    for (const w of r.warnings) console.log(`row ${w.line}: warning: ${w.message}`);
    for (const n of r.notices ?? []) console.log(`row ${n.line}: check: ${n.message}`);
    const by: Record<string, number> = {};
    for (const e of r.events) by[e.kind] = (by[e.kind] ?? 0) + 1;
    for (const e of r.events.slice(0, 50)) console.log(`${e.kind.padEnd(11)} ${e.employeeId.padEnd(10)} ${e.reason}`);
    if (r.events.length > 50) console.log(`… and ${r.events.length - 50} more events`);
    console.log(`\n${dryRun ? "DRY RUN (nothing applied): " : ""}${records.length} rows as of ${asOf}: ${r.created} new, ${r.updated} changed, ${r.unchanged} unchanged, ${r.skipped} skipped (see the warnings).`);
    console.log(`Events: ${Object.entries(by).map(([k, v]) => `${v} ${k}`).join(", ") || "none"}.`);
    const kinds = Object.entries(r.operationsByKind ?? {}).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ");
    console.log(`Access: +${r.access.added} granted, ${r.access.scheduledForRemoval} scheduled for removal after the overlap, -${r.access.revoked} revoked; ${r.operations} provisioning operations ${dryRun ? "would be " : ""}planned${kinds ? ` (${kinds})` : ""}.`);
    if (r.held?.id) {
      console.log(`HELD by the mass-change guard (${r.held.reasons.join("; ")}): nothing was applied. An admin reviews and releases it in the portal (/admin/held-runs/${r.held.id}).`);
      return 4;
    }
    if (r.held) console.log(`Applying would be held by the mass-change guard: ${r.held.reasons.join("; ")}.`);
    return r.errors.length && !onlyValid ? 1 : 0;
  } finally {
    await h.close();
  }
}
