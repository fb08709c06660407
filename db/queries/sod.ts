/**
 * Separation-of-duties reads. "Holds" = an active, unexpired grant (the desired state), as everywhere else.
 */
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { rowsOf } from "@/db/client";

export type SodSideEntitlement = { entitlementId: string; entitlementName: string; applicationId: string; applicationName: string };
export type PersonSodConflict = {
  policyId: string;
  policyName: string;
  description: string;
  severity: string;
  action: "block" | "require_approval";
  /** The entitlements of each side the person holds now (both non-empty). */
  sideA: SodSideEntitlement[];
  sideB: SodSideEntitlement[];
};

/** Enabled policies the person violates now: they hold at least one entitlement of side a and one of side b. */
export async function personSodConflicts(db: Queryable, personId: string, now: Date = new Date()): Promise<PersonSodConflict[]> {
  const r = await db.execute(sql`
    WITH held AS (
      SELECT DISTINCT g.entitlement_id FROM grants g
      WHERE g.person_id = ${personId} AND g.status = 'active' AND (g.expires_at IS NULL OR g.expires_at > ${now.toISOString()}::timestamptz)),
    hits AS (
      SELECT pe.policy_id, pe.side, e.id AS entitlement_id, e.name AS entitlement_name, a.id AS application_id, a.name AS application_name
      FROM sod_policy_entitlements pe
      JOIN held h ON h.entitlement_id = pe.entitlement_id
      JOIN entitlements e ON e.id = pe.entitlement_id
      JOIN applications a ON a.id = e.application_id)
    SELECT p.id AS policy_id, p.name, p.description, p.severity, p.action, h.side, h.entitlement_id, h.entitlement_name, h.application_id, h.application_name
    FROM sod_policies p JOIN hits h ON h.policy_id = p.id
    WHERE p.enabled
      AND EXISTS (SELECT 1 FROM hits x WHERE x.policy_id = p.id AND x.side = 'a')
      AND EXISTS (SELECT 1 FROM hits y WHERE y.policy_id = p.id AND y.side = 'b')
    ORDER BY p.name, p.id, h.side, h.application_name, h.entitlement_name`);
  const rows = rowsOf<{
    policy_id: string; name: string; description: string; severity: string; action: "block" | "require_approval"; side: "a" | "b";
    entitlement_id: string; entitlement_name: string; application_id: string; application_name: string;
  }>(r);
  const byPolicy = new Map<string, PersonSodConflict>();
  for (const x of rows) {
    let c = byPolicy.get(x.policy_id);
    if (!c) {
      c = { policyId: x.policy_id, policyName: x.name, description: x.description, severity: x.severity, action: x.action, sideA: [], sideB: [] };
      byPolicy.set(x.policy_id, c);
    }
    (x.side === "a" ? c.sideA : c.sideB).push({ entitlementId: x.entitlement_id, entitlementName: x.entitlement_name, applicationId: x.application_id, applicationName: x.application_name });
  }
  return [...byPolicy.values()];
}
