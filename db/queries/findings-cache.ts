/**
 * The findings cache (migration 0014_findings_cache): outliers and drift compare every person with the whole
 * organisation, so they are computed once (lib/services/mining/findings-cache.ts) and stored one row per finding
 * in the order the domain ranked them; a page reads its rows by rank.
 *
 * Freshness is exact, not timed: triggers on every input (grants, people, birthright rules, role templates and
 * their entitlements, IdP groups and members) log the id of each transaction that changes one
 * (findings_input_changes, one row per transaction). The cache records the snapshot it was computed in; it is
 * fresh when every logged transaction is visible in that snapshot (pg_visible_in_snapshot), i.e. when no change
 * committed after it. A change committed later, or in progress while it was computed, makes it stale.
 */
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/client";

export type CachedKind = "outliers" | "drift";
export type CachedRow<F> = { personId: string; entitlementIds: string[]; finding: F };

/** True when the cache of `kind` exists and no input changed outside the snapshot it was computed in. */
export async function findingsCacheFresh(db: Queryable, kind: CachedKind): Promise<boolean> {
  const [r] = rowsOf<{ fresh: boolean }>(
    await db.execute(sql`
      SELECT NOT EXISTS (
        -- Ids below the snapshot's xmin are all visible in it: only the primary key range above can be news (rows
        -- other caches still need stay behind, below it).
        SELECT 1 FROM findings_input_changes c WHERE c.xid >= pg_snapshot_xmin(f.snapshot) AND NOT pg_visible_in_snapshot(c.xid, f.snapshot)
      ) AS fresh
      FROM findings_cache f WHERE f.kind = ${kind}`),
  );
  return r?.fresh === true;
}

/**
 * Replace the cache of `kind` with `rows` (in rank order), stamped with the current transaction's snapshot; run
 * inside the REPEATABLE READ transaction that computed them (one snapshot for reads and stamp). Then forget the
 * logged changes every cache has seen.
 */
export async function writeFindingsCache<F>(tx: Queryable, kind: CachedKind, rows: Array<CachedRow<F>>): Promise<void> {
  await tx.execute(sql`DELETE FROM findings_cache_rows WHERE kind = ${kind}`);
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000).map((r, j) => ({ rank: i + j + 1, person_id: r.personId, entitlement_ids: r.entitlementIds, finding: r.finding }));
    await tx.execute(sql`
      INSERT INTO findings_cache_rows (kind, rank, person_id, entitlement_ids, finding)
      SELECT ${kind}, x.rank, x.person_id, ARRAY(SELECT jsonb_array_elements_text(x.entitlement_ids))::uuid[], x.finding
      FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS x(rank int, person_id uuid, entitlement_ids jsonb, finding jsonb)`);
  }
  await tx.execute(sql`
    INSERT INTO findings_cache (kind, snapshot, computed_at, total) VALUES (${kind}, pg_current_snapshot(), now(), ${rows.length})
    ON CONFLICT (kind) DO UPDATE SET snapshot = excluded.snapshot, computed_at = excluded.computed_at, total = excluded.total`);
  await tx.execute(sql`
    DELETE FROM findings_input_changes c
    WHERE pg_visible_in_snapshot(c.xid, pg_current_snapshot())
      AND NOT EXISTS (SELECT 1 FROM findings_cache o WHERE o.kind <> ${kind} AND NOT pg_visible_in_snapshot(c.xid, o.snapshot))`);
}

/**
 * One page of cached findings of `kind` in rank order, with the total, leaving out excepted ones: `excepted` are
 * "personId|entitlementId" and "personId|*" keys; a finding stays while one of its entitlements is not excepted.
 */
export async function cachedFindingsPage<F>(db: Queryable, kind: CachedKind, opts: { page: number; pageSize: number; excepted: string[] }) {
  const pairs = opts.excepted.filter((k) => !k.endsWith("|*"));
  const persons = opts.excepted.filter((k) => k.endsWith("|*")).map((k) => k.slice(0, -2));
  const conditions: SQL[] = [];
  if (persons.length) conditions.push(sql`r.person_id::text NOT IN (${sql.join(persons.map((k) => sql`${k}`), sql`, `)})`);
  if (pairs.length) conditions.push(sql`EXISTS (SELECT 1 FROM unnest(r.entitlement_ids) e WHERE (r.person_id::text || '|' || e::text) NOT IN (${sql.join(pairs.map((k) => sql`${k}`), sql`, `)}))`);
  const where = conditions.length ? sql` AND ${sql.join(conditions, sql` AND `)}` : sql``;
  const [rows, total] = await Promise.all([
    db.execute(sql`
      SELECT r.person_id AS "personId", r.finding FROM findings_cache_rows r WHERE r.kind = ${kind}${where}
      ORDER BY r.rank LIMIT ${opts.pageSize} OFFSET ${(opts.page - 1) * opts.pageSize}`),
    conditions.length
      ? db.execute(sql`SELECT count(*)::int AS n FROM findings_cache_rows r WHERE r.kind = ${kind}${where}`)
      : db.execute(sql`SELECT total AS n FROM findings_cache WHERE kind = ${kind}`),
  ]);
  return { total: Number(rowsOf<{ n: number }>(total)[0]?.n ?? 0), rows: rowsOf<{ personId: string; finding: F | string }>(rows).map((r) => ({ personId: r.personId, finding: (typeof r.finding === "string" ? JSON.parse(r.finding) : r.finding) as F })) };
}
