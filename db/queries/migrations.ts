/**
 * Which committed migrations a database has applied. drizzle's migrator records each applied migration in
 * drizzle.__drizzle_migrations (hash, created_at = the journal's `when`) and applies the journal entries newer than
 * the last one recorded; so an entry is applied when its `when` is at most the newest created_at.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrationsFolder, rowsOf, type Queryable } from "@/db/client";

export type MigrationStatus = { applied: string[]; pending: string[] };

export async function migrationStatus(db: Queryable, folder = migrationsFolder()): Promise<MigrationStatus> {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as { entries: Array<{ tag: string; when: number }> };
  let last = -1;
  const [exists] = rowsOf<{ ok: boolean }>(await db.execute(sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS ok`));
  if (exists?.ok) {
    const [row] = rowsOf<{ last: string | number | null }>(await db.execute(sql`SELECT max(created_at) AS last FROM drizzle.__drizzle_migrations`));
    last = row?.last == null ? -1 : Number(row.last);
  }
  const applied: string[] = [];
  const pending: string[] = [];
  for (const e of journal.entries) (e.when <= last ? applied : pending).push(e.tag);
  return { applied, pending };
}
