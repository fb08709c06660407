import { eq, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/client";
import { jobs } from "@/db/schema";
import { rulePredicate } from "./policy-sql";
import { activeBirthrightRules } from "./rules";

/**
 * Problems the portal finds in live data (the demo organisation plants each kind):
 * leavers with live accounts, dormant access, movers' drift, SoD conflicts, contractors past
 * their end date, privileged holders, orphan accounts. Counts are of people (or accounts).
 */
export async function findingCounts(db: Queryable, dormantDays = 90, privilegedThreshold = 5) {
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
          AND COALESCE(g.last_used_at, g.granted_at) < now() - make_interval(days => ${dormantDays})`),
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
