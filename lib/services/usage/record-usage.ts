/**
 * Usage storage: the last sign-in of each account (accounts.last_login_at, with where it came from), and its
 * propagation to the grants of the account's person in that application (grants.last_used_at), which every reader
 * uses: dormant-access findings (lib/services/mining/list-findings.ts, db/queries/findings.ts), the review
 * pre-analysis (create-campaign → lib/domain/review-triage.ts), the people and review pages, the MCP tools. So usage
 * read from a connector at reconcile or uploaded as a file counts the same as anything seeded.
 *
 * Invariants:
 *  - a recorded sign-in only moves forward: an older value (a stale export) never replaces a newer one;
 *  - a sign-in counts as use of a grant held at that time: of a grant adopted from the target (held before Gatehouse
 *    saw it, whatever its grant date), or of one granted at or before the sign-in. A sign-in before a grant existed
 *    says nothing about that grant.
 * One UPDATE per call; O(accounts + grants of the application).
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/client";

export type UsageEntry = { accountId: string; at: Date; source: string };

/** Store sign-ins on accounts (only where newer than what is stored). Returns how many accounts changed. */
export async function recordAccountUsage(tx: Queryable, entries: UsageEntry[], now: Date): Promise<number> {
  let changed = 0;
  for (let i = 0; i < entries.length; i += 1000) {
    const chunk = entries.slice(i, i + 1000);
    const values = sql.join(chunk.map((e) => sql`(${e.accountId}::uuid, ${e.at.toISOString()}::timestamptz, ${e.source}::text)`), sql`, `);
    const r = rowsOf<{ id: string }>(
      await tx.execute(sql`
        UPDATE accounts a SET last_login_at = v.at, last_login_source = v.source, updated_at = ${now.toISOString()}::timestamptz
        FROM (VALUES ${values}) AS v(id, at, source)
        WHERE a.id = v.id AND (a.last_login_at IS NULL OR a.last_login_at < v.at)
        RETURNING a.id`),
    );
    changed += r.length;
  }
  return changed;
}

/**
 * Carry the accounts' last sign-in of one application to the active grants of their people in it (see the file
 * comment for which grants). Returns how many grants changed.
 */
export async function propagateUsage(tx: Queryable, applicationId: string): Promise<number> {
  const r = rowsOf<{ id: string }>(
    await tx.execute(sql`
      UPDATE grants g SET last_used_at = u.at
      FROM (SELECT person_id, max(last_login_at) AS at FROM accounts
            WHERE application_id = ${applicationId} AND person_id IS NOT NULL AND last_login_at IS NOT NULL
            GROUP BY person_id) u,
           entitlements e
      WHERE e.id = g.entitlement_id AND e.application_id = ${applicationId} AND g.person_id = u.person_id
        AND g.status = 'active'
        AND (g.last_used_at IS NULL OR g.last_used_at < u.at)
        AND (g.adopted_at IS NOT NULL OR g.source = 'adopted' OR g.granted_at <= u.at)
      RETURNING g.id`),
  );
  return r.length;
}
