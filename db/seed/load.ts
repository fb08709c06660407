/**
 * Load the generated demo organisation into the database in ONE transaction.
 *
 * Ids come from the generator, so every table is a plain multi-row INSERT (no RETURNING),
 * each chunk's rows passed as one json parameter (insertChunked explains why).
 * One audit event ("seed.completed") and one `jobs` row (kind "seed", with the planted
 * manifest) are written in the same transaction, so a failed seed leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db, Queryable } from "@/db/client";
import {
  accountEntitlements,
  accounts,
  applicationOwners,
  applications,
  birthrightRules,
  entitlements,
  grants,
  hrEvents,
  jobs,
  people,
  portalRoleAssignments,
  roleEntitlements,
  roleTemplates,
  sodPolicies,
  sodPolicyEntitlements,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { ConflictError } from "@/lib/errors";
import {
  DEMO_PERSONAS,
  countRows,
  findPersona,
  generateOrg,
  plantedByKind,
  type DemoPersona,
  type GeneratedOrg,
  type PlantedKind,
} from "./generate";
import { rowsOf } from "@/db/client";

export type SeedOptions = {
  people: number;
  seed: number;
  now?: Date;
  /** Who is seeding, for the audit event. */
  actorKind?: "system" | "cli";
  /** Called after each table with the rows written so far. */
  onProgress?: (table: string, rows: number) => void;
};

export type PersonaRef = { id: string; employeeId: string; email: string; displayName: string; title: string };

export type SeedSummary = {
  people: number;
  seed: number;
  day: string;
  counts: Record<string, number>;
  planted: Record<PlantedKind, number>;
  personas: Record<DemoPersona, PersonaRef>;
  jobId: string;
  generateSeconds: number;
  insertSeconds: number;
  seconds: number;
};

/**
 * Rows per INSERT. Each statement carries its rows as ONE json parameter (see
 * insertChunked), so PostgreSQL's 65,535 bind-parameter limit never applies; the chunk
 * only bounds the size of one statement's text (~1–2 MB) and the memory held at once.
 */
export const CHUNK_ROWS = 5_000;

/**
 * Multi-row INSERT of `rows` into `table`, in chunks of CHUNK_ROWS:
 *   INSERT INTO t (c1, c2…) SELECT "k1", "k2"… FROM json_to_recordset($1::json) AS x("k1" type1, …)
 * One bind parameter per statement, and no per-value query building in JavaScript
 * (building 25k-row VALUES lists through the query builder cost more than the database work).
 * Columns the rows do not set keep their SQL defaults. All rows of a table must have
 * the same keys (the generator always sets every key, null included).
 */
async function insertChunked(tx: Queryable, table: PgTable, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0]!);
  const target = keys.map((k) => {
    const col = columns[k];
    if (!col) throw new Error(`seed row for ${getTableName(table)} has unknown field ${k}`);
    return `"${col.name}"`;
  });
  const record = keys.map((k) => `"${k}" ${columns[k]!.getSQLType()}`);
  const name = getTableName(table);
  const head = `INSERT INTO "${name}" (${target.join(", ")}) SELECT ${keys.map((k) => `"${k}"`).join(", ")} FROM json_to_recordset(`;
  const tail = `::json) AS x(${record.join(", ")})`;
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const json = JSON.stringify(rows.slice(i, i + CHUNK_ROWS));
    await shortError(name, tx.execute(sql`${sql.raw(head)}${json}${sql.raw(tail)}`));
  }
}

/** Await a chunk; on failure report the database's reason, not the multi-megabyte parameter. */
async function shortError(table: string, p: PromiseLike<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    const reason = cause instanceof Error ? cause.message : e instanceof Error ? e.message.slice(0, 300) : String(e);
    const detail = (cause as { detail?: string } | undefined)?.detail;
    throw new Error(`Seeding table ${table} failed: ${reason}${detail ? ` (${detail})` : ""}`);
  }
}

/**
 * Run `fn` with the secondary indexes of `tables` dropped, then rebuild them from their own
 * definitions (pg_indexes.indexdef), so the DDL is never duplicated here and schema changes
 * carry over. Building an index once over loaded rows is several times cheaper than
 * maintaining it row by row (on PGlite the indexes were ~3/4 of the insert time).
 * Primary keys and constraint-backed indexes stay; unique indexes are still enforced when
 * rebuilt, so a duplicate fails the transaction exactly as before.
 */
async function withIndexesDeferred(tx: Queryable, tables: string[], fn: () => Promise<void>): Promise<void> {
  const list = tables.map((t) => `'${t.replace(/'/g, "''")}'`).join(", ");
  const res = await tx.execute(
    sql.raw(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename IN (${list})
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
       ORDER BY i.tablename, i.indexname`,
    ),
  );
  const indexes = rowsOf<{ name: string; def: string }>(res);
  for (const ix of indexes) await tx.execute(sql.raw(`DROP INDEX "${ix.name}"`));
  await fn();
  for (const ix of indexes) await tx.execute(sql.raw(ix.def));
}

/** True when the people table has at least one row. */
export async function isSeeded(db: Queryable): Promise<boolean> {
  const rows = await db.select({ id: people.id }).from(people).limit(1);
  return rows.length > 0;
}

/**
 * Drop everything so `migrate` can rebuild an empty database: every non-system schema
 * (public, drizzle's migration bookkeeping, and any schema a migration created, such as
 * the demo connector's), then an empty `public`. Destructive: only `seed --reset` calls it.
 */
export async function resetDatabase(db: Db): Promise<void> {
  const res = await db.execute(
    sql.raw(
      `SELECT nspname AS name FROM pg_namespace
       WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
       ORDER BY nspname`,
    ),
  );
  for (const { name } of rowsOf<{ name: string }>(res)) {
    await db.execute(sql.raw(`DROP SCHEMA IF EXISTS "${name.replace(/"/g, '""')}" CASCADE`));
  }
  await db.execute(sql.raw("CREATE SCHEMA public"));
}

export function personaRefs(org: GeneratedOrg): Record<DemoPersona, PersonaRef> {
  const out = {} as Record<DemoPersona, PersonaRef>;
  for (const k of DEMO_PERSONAS) {
    const p = findPersona(org, k);
    out[k] = { id: p.id, employeeId: p.employeeId, email: p.email, displayName: p.displayName, title: p.title };
  }
  return out;
}

/**
 * Insert a generated organisation (already built) in the caller's transaction.
 * With `release`, each table's array is emptied once written, so a large organisation's
 * rows can be collected while the later (bigger) tables are still being sent.
 */
export async function insertOrg(
  tx: Queryable,
  org: GeneratedOrg,
  opts: { onProgress?: (table: string, rows: number) => void; release?: boolean } = {},
): Promise<void> {
  const steps: Array<[string, PgTable, readonly object[]]> = [
    // people are in hierarchy order (a manager before their reports), so each chunk's FKs hold.
    ["people", people, org.people],
    ["portal_role_assignments", portalRoleAssignments, org.portalRoleAssignments],
    ["applications", applications, org.applications],
    ["application_owners", applicationOwners, org.applicationOwners],
    ["entitlements", entitlements, org.entitlements],
    ["role_templates", roleTemplates, org.roleTemplates],
    ["role_entitlements", roleEntitlements, org.roleEntitlements],
    ["birthright_rules", birthrightRules, org.birthrightRules],
    ["sod_policies", sodPolicies, org.sodPolicies],
    ["sod_policy_entitlements", sodPolicyEntitlements, org.sodPolicyEntitlements],
    ["accounts", accounts, org.accounts],
    ["account_entitlements", accountEntitlements, org.accountEntitlements],
    ["grants", grants, org.grants],
    ["hr_events", hrEvents, org.hrEvents],
  ];
  await withIndexesDeferred(tx, steps.map(([, table]) => getTableName(table)), async () => {
    for (const [name, table, rows] of steps) {
      const n = rows.length;
      await insertChunked(tx, table, rows);
      if (opts.release) (rows as object[]).length = 0;
      opts.onProgress?.(name, n);
    }
  });
}

/**
 * Generate and insert the demo organisation, with its audit event and seed job, in one
 * transaction. Refuses (ConflictError) when people already exist.
 */
export async function seedDatabase(db: Db, opts: SeedOptions): Promise<SeedSummary> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const org = generateOrg({ people: opts.people, seed: opts.seed, now });
  const t1 = performance.now();
  const counts = countRows(org);
  const planted = plantedByKind(org.planted);
  const personas = personaRefs(org);
  const jobId = randomUUID();

  await db.transaction(async (tx) => {
    if (await isSeeded(tx)) throw new ConflictError("The database already holds people; seed only an empty database (or use --reset).");
    // The rows are ours alone: let each table go once written (counts were taken above).
    await insertOrg(tx, org, { onProgress: opts.onProgress, release: true });
    const finishedAt = new Date();
    await tx.insert(jobs).values({
      id: jobId,
      kind: "seed",
      status: "succeeded",
      done: counts.people!,
      total: counts.people!,
      message: `Seeded ${counts.people} people, ${counts.grants} grants and ${org.planted.length} planted problems`,
      input: { people: opts.people, seed: opts.seed, day: org.meta.day, generatorVersion: org.meta.version },
      result: { planted: org.planted, plantedByKind: planted, counts, personas },
      startedAt: new Date(Date.now() - Math.round(performance.now() - t0)),
      finishedAt,
    });
    await recordAudit(tx, {
      actorKind: opts.actorKind ?? "system",
      action: "seed.completed",
      targetKind: "job",
      targetId: jobId,
      data: { people: opts.people, seed: opts.seed, day: org.meta.day, counts, planted, personas: Object.fromEntries(DEMO_PERSONAS.map((k) => [k, personas[k].id])) },
    });
  });
  const t2 = performance.now();
  return {
    people: opts.people,
    seed: opts.seed,
    day: org.meta.day,
    counts,
    planted,
    personas,
    jobId,
    generateSeconds: (t1 - t0) / 1000,
    insertSeconds: (t2 - t1) / 1000,
    seconds: (t2 - t0) / 1000,
  };
}
