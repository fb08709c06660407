import { eq, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/client";
import { jobs } from "@/db/schema";
import { rulePredicate } from "./policy-sql";
import { activeBirthrightRules } from "./rules";

/**
 * Problems the portal finds in live data (the demo organisation plants each kind):
 * leavers with live accounts, dormant access, movers' drift, SoD conflicts, contractors past
 * their end date, privileged holders, orphan accounts. Counts are of people (or accounts).
 * Dormant access reads grants.last_used_at, where usage from connectors and usage files is carried
 * (lib/services/usage/record-usage.ts), so it counts on an organisation Gatehouse did not seed too.
 */
export async function findingCounts(db: Queryable, dormantDays = 90, privilegedThreshold = 5, now: Date = new Date()) {
  const rules = await activeBirthrightRules(db);
  // Drift: which roles each person's attributes give, computed once per person (people × rules),
  // then role-sourced grants anti-joined against it — not a rule evaluation per grant.
  const given = rules.length
    ? sql.join(
        rules.map((r) => sql`SELECT p.id AS person_id, ${r.roleId}::text AS role_id FROM people p WHERE p.status <> 'terminated' AND (${rulePredicate(r.conditions)})`),
        sql` UNION `,
      )
    : sql`SELECT NULL::uuid AS person_id, NULL::text AS role_id WHERE false`;

  const q = (s: SQL) => db.execute<{ n: number }>(s).then((r) => Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0));
  const [leavers, dormant, drift, sod, contractors, privileged, orphans] = await Promise.all([
    q(sql`SELECT count(DISTINCT p.id)::int AS n FROM people p JOIN accounts a ON a.person_id = p.id WHERE p.status = 'terminated' AND a.status = 'active'`),
    q(sql`SELECT count(DISTINCT g.person_id)::int AS n FROM grants g JOIN people p ON p.id = g.person_id
          WHERE g.status = 'active' AND p.status <> 'terminated'
          AND COALESCE(g.last_used_at, g.granted_at) < ${now.toISOString()}::timestamptz - make_interval(days => ${dormantDays})`),
    q(sql`WITH given AS (${given})
          SELECT count(DISTINCT g.person_id)::int AS n FROM grants g JOIN people p ON p.id = g.person_id
          WHERE g.status = 'active' AND g.source IN ('birthright','role') AND p.status <> 'terminated'
          AND NOT EXISTS (SELECT 1 FROM given WHERE given.person_id = g.person_id AND given.role_id = g.source_ref)`),
    q(sql`SELECT count(DISTINCT g1.person_id)::int AS n FROM sod_policies sp
          JOIN sod_policy_entitlements a ON a.policy_id = sp.id AND a.side = 'a'
          JOIN sod_policy_entitlements b ON b.policy_id = sp.id AND b.side = 'b'
          JOIN grants g1 ON g1.entitlement_id = a.entitlement_id AND g1.status = 'active'
          JOIN grants g2 ON g2.entitlement_id = b.entitlement_id AND g2.status = 'active' AND g2.person_id = g1.person_id
          WHERE sp.enabled`),
    q(sql`SELECT count(*)::int AS n FROM people p WHERE p.employment_type = 'contractor' AND p.status <> 'terminated'
          AND p.end_date IS NOT NULL AND p.end_date < current_date`),
    q(sql`SELECT count(*)::int AS n FROM (SELECT g.person_id FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
          WHERE g.status = 'active' AND e.privileged GROUP BY g.person_id HAVING count(DISTINCT g.entitlement_id) >= ${privilegedThreshold}) x`),
    q(sql`SELECT count(*)::int AS n FROM accounts a WHERE a.person_id IS NULL AND a.status = 'active'`),
  ]);
  return { leaversWithLiveAccess: leavers, dormantAccess: dormant, drift, sodConflicts: sod, contractorsPastEndDate: contractors, privilegedHolders: privileged, orphanAccounts: orphans };
}

/** What the demo seed planted (kind → count), if this database was seeded. */
export async function plantedCounts(db: Queryable): Promise<Record<string, number> | null> {
  const [job] = await db.select({ result: jobs.result }).from(jobs).where(eq(jobs.kind, "seed")).orderBy(sql`${jobs.createdAt} desc`).limit(1);
  const planted = (job?.result as { planted?: Array<{ kind: string }> } | undefined)?.planted;
  if (!Array.isArray(planted)) return null;
  const out: Record<string, number> = {};
  for (const p of planted) out[p.kind] = (out[p.kind] ?? 0) + 1;
  return out;
}

/**
 * Everyone's active access in one pass over the grants (index-only on grants_active_person_entitlement_idx,
 * streamed in person order): person id → the entitlement ids they hold. Findings and peer analytics need the
 * whole organisation, and 400,000 grant rows as objects cost seconds; one row per person with the entitlements
 * as short keys (the first 8 hex digits of the id) costs a fraction. The keys and the entitlements they stand for
 * come from the same statement (one snapshot); were two entitlements to share a key, the full ids are used.
 * `excludeSources` leaves out grants of those sources. People who have left are included: callers filter.
 */
export async function activeAccessByPerson(db: Queryable, opts: { excludeSources?: string[] } = {}): Promise<Map<string, Set<string>>> {
  const src = opts.excludeSources?.length ? sql`AND g.source::text NOT IN (${sql.join(opts.excludeSources.map((s) => sql`${s}`), sql`, `)})` : sql``;
  const load = async (width: number | null) => {
    const key = (col: SQL) => (width === null ? sql`${col}::text` : sql`left(${col}::text, ${sql.raw(String(width))})`);
    return rowsOf<{ t: string; k: string; v: string }>(
      await db.execute(sql`
        SELECT 'e' AS t, ${key(sql`e.id`)} AS k, e.id::text AS v FROM entitlements e
        UNION ALL
        SELECT 'p', g.person_id::text, string_agg(${key(sql`g.entitlement_id`)}, ',') FROM grants g WHERE g.status = 'active' ${src} GROUP BY g.person_id`),
    );
  };
  let rows = await load(8);
  const byKey = new Map<string, string>();
  for (const r of rows) if (r.t === "e") byKey.set(r.k, r.v);
  if (byKey.size !== rows.filter((r) => r.t === "e").length) {
    rows = await load(null);
    byKey.clear();
    for (const r of rows) if (r.t === "e") byKey.set(r.k, r.v);
  }
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.t !== "p") continue;
    const s = new Set<string>();
    for (const k of r.v.split(",")) s.add(byKey.get(k) ?? k);
    out.set(r.k, s);
  }
  return out;
}

/**
 * One page of dormant access: active grants of people who have not left, last used at least `days` days before
 * `now`, or never used and granted at least that long ago (lib/domain/mining/peers findDormant, to the
 * millisecond), longest unused first; with the total. `excepted` are "personId|entitlementId" and "personId|*"
 * keys to leave out. Filtered, counted and paginated in SQL: the page reads only its own rows.
 */
export async function dormantGrantsPage(db: Queryable, opts: { now: Date; days: number; page: number; pageSize: number; excepted: string[] }) {
  // findDormant floors whole days of milliseconds: unused >= days ⇔ (last use, truncated to the ms) <= now - days.
  const cutoff = new Date(opts.now.getTime() - opts.days * 86_400_000 + 1);
  const pairs = opts.excepted.filter((k) => !k.endsWith("|*"));
  const persons = opts.excepted.filter((k) => k.endsWith("|*")).map((k) => k.slice(0, -2));
  const notExcepted = sql.join(
    [
      pairs.length ? sql`(g.person_id::text || '|' || g.entitlement_id::text) NOT IN (${sql.join(pairs.map((k) => sql`${k}`), sql`, `)})` : sql`true`,
      persons.length ? sql`g.person_id::text NOT IN (${sql.join(persons.map((k) => sql`${k}`), sql`, `)})` : sql`true`,
    ],
    sql` AND `,
  );
  const where = sql`g.status = 'active' AND coalesce(g.last_used_at, g.granted_at) < ${cutoff.toISOString()}::timestamptz AND p.status <> 'terminated' AND ${notExcepted}`;
  const [rows, total] = await Promise.all([
    db.execute(sql`
      SELECT g.id, g.person_id AS "personId", g.entitlement_id AS "entitlementId", g.granted_at AS "grantedAt", g.last_used_at AS "lastUsedAt"
      FROM grants g JOIN people p ON p.id = g.person_id
      WHERE ${where}
      ORDER BY coalesce(g.last_used_at, g.granted_at), g.id
      LIMIT ${opts.pageSize} OFFSET ${(opts.page - 1) * opts.pageSize}`),
    db.execute(sql`SELECT count(*)::int AS n FROM grants g JOIN people p ON p.id = g.person_id WHERE ${where}`),
  ]);
  const toDate = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d : new Date(d));
  return {
    total: Number(rowsOf<{ n: number }>(total)[0]?.n ?? 0),
    rows: rowsOf<{ id: string; personId: string; entitlementId: string; grantedAt: Date | string; lastUsedAt: Date | string | null }>(rows).map((r) => ({
      ...r,
      grantedAt: toDate(r.grantedAt)!,
      lastUsedAt: toDate(r.lastUsedAt),
    })),
  };
}
