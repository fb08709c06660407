/**
 * Entitlement discovery and adoption of existing access, the two steps that let Gatehouse take over a system that
 * already holds accounts, groups and memberships (issue 10). Both run inside reconciliation's transaction.
 *
 * discoverEntitlements — input: the target's groups/roles (Connector.listEntitlements) and the application's
 * entitlement rows. Output: rows created (new in the target), updated (name or kind changed; a description is only
 * filled in when the admin left it empty, so metadata edited in Gatehouse is never overwritten), restored (seen again
 * after being marked removed) and removed (discovered before, absent now: `removed_at` set; the row stays because
 * grants, reviews and the audit trail refer to it). Entitlements declared by hand that discovery never saw are left
 * alone. O(n) in the number of groups.
 *
 * adoptMemberships — input: memberships the target showed (account_entitlements, already refreshed) of accounts
 * linked to a person, leavers included (a leaver whose account is still live holds that access today: adopted, it
 * becomes an item of the first review with "removal recommended: person left", instead of staying invisible to
 * reviewers; reconcile's "leaver with a live account" finding reports the account itself). Output: one grant per
 * (person, entitlement) with source "adopted" and
 * adopted_at, for the memberships nobody decided in Gatehouse: no grant of that entitlement exists for the person in
 * any status (a revoked or expired grant means Gatehouse decided against it: the membership is drift, not access to
 * adopt) and no revoke is in flight. Adoption happens when the access first becomes visible: on the application's
 * first reconciliation, for an account linked in this run, or for an entitlement discovered in this run; a membership
 * added later, out of band, to a known account and entitlement stays drift. One INSERT … SELECT; audited.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { rowsOf, uuidArray } from "@/db/client";
import { entitlements, type Application } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { TargetEntitlement } from "@/lib/domain/connector";

export type DiscoveryReport = { created: number; updated: number; restored: number; removed: number; createdIds: string[] };

export async function discoverEntitlements(tx: Queryable, app: Application, found: TargetEntitlement[], now: Date): Promise<DiscoveryReport> {
  const rows = await tx.select().from(entitlements).where(eq(entitlements.applicationId, app.id));
  const byExt = new Map(rows.map((r) => [r.externalId, r]));
  const report: DiscoveryReport = { created: 0, updated: 0, restored: 0, removed: 0, createdIds: [] };
  const seen = new Set<string>();
  const inserts: Array<typeof entitlements.$inferInsert> = [];
  for (const t of found) {
    if (!t.externalId || seen.has(t.externalId)) continue;
    seen.add(t.externalId);
    const r = byExt.get(t.externalId);
    if (!r) {
      inserts.push({ applicationId: app.id, externalId: t.externalId, name: t.name || t.externalId, kind: t.kind, description: t.description ?? "", lastSeenAt: now, createdAt: now });
      continue;
    }
    const set: Partial<typeof entitlements.$inferInsert> = { lastSeenAt: now };
    let changed = false;
    if (t.name && r.name !== t.name) (set.name = t.name), (changed = true);
    if (r.kind !== t.kind) (set.kind = t.kind), (changed = true);
    if (!r.description && t.description) (set.description = t.description), (changed = true);
    if (r.removedAt) (set.removedAt = null), report.restored++;
    else if (changed) report.updated++;
    await tx.update(entitlements).set(set).where(eq(entitlements.id, r.id));
  }
  for (let i = 0; i < inserts.length; i += 1000) {
    const ids = await tx.insert(entitlements).values(inserts.slice(i, i + 1000)).onConflictDoNothing().returning({ id: entitlements.id });
    report.createdIds.push(...ids.map((x) => x.id));
  }
  report.created = report.createdIds.length;
  const gone = rows.filter((r) => r.lastSeenAt && !r.removedAt && !seen.has(r.externalId)).map((r) => r.id);
  if (gone.length) await tx.update(entitlements).set({ removedAt: now }).where(inArray(entitlements.id, gone));
  report.removed = gone.length;
  if (report.created + report.updated + report.restored + report.removed > 0) {
    await recordAudit(tx, {
      actorKind: "worker", action: "entitlements.discovered", targetKind: "application", targetId: app.id,
      data: { application: app.key, created: report.created, updated: report.updated, restored: report.restored, removed: report.removed, removedIds: gone },
    });
  }
  return report;
}

/**
 * Turn visible, undecided memberships into adopted grants (see the file comment for which ones).
 * `firstSync`: the application was never reconciled before; `linkedAccountIds`/`newEntitlementIds`: linked or
 * discovered in this run. Returns the number of grants created.
 */
export async function adoptMemberships(
  tx: Queryable,
  app: Application,
  scope: { firstSync: boolean; linkedAccountIds: string[]; newEntitlementIds: string[] },
  now: Date,
): Promise<{ adopted: number; people: string[] }> {
  const { firstSync, linkedAccountIds, newEntitlementIds } = scope;
  if (!firstSync && linkedAccountIds.length === 0 && newEntitlementIds.length === 0) return { adopted: 0, people: [] };
  const uuids = (ids: string[]) => uuidArray(ids);
  const which = firstSync ? sql`true` : sql`(ae.account_id = ANY(${uuids(linkedAccountIds)}) OR ae.entitlement_id = ANY(${uuids(newEntitlementIds)}))`;
  const reason = `Adopted: held in ${app.name} when Gatehouse first saw it (not decided in Gatehouse; review it)`;
  // One statement: the memberships to adopt are chosen and inserted in the database (no round trip per thousand).
  const rows = rowsOf<{ person_id: string; entitlement_id: string }>(
    await tx.execute(sql`
      INSERT INTO grants (person_id, entitlement_id, source, source_ref, granted_at, adopted_at, reason)
      SELECT DISTINCT a.person_id, ae.entitlement_id, 'adopted'::grant_source, ${app.id}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${reason}
      FROM account_entitlements ae
      JOIN accounts a ON a.id = ae.account_id
      JOIN people p ON p.id = a.person_id
      JOIN entitlements e ON e.id = ae.entitlement_id
      WHERE a.application_id = ${app.id} AND a.person_id IS NOT NULL AND a.status <> 'deleted'
        AND e.removed_at IS NULL AND ${which}
        AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = a.person_id AND g.entitlement_id = ae.entitlement_id)
        AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.person_id = a.person_id AND o.entitlement_id = ae.entitlement_id
                          AND o.kind = 'revoke' AND o.status IN ('pending', 'queued', 'running', 'failed'))
      RETURNING person_id, entitlement_id`),
  );
  if (rows.length === 0) return { adopted: 0, people: [] };
  const people = [...new Set(rows.map((r) => r.person_id))];
  await recordAudit(tx, {
    actorKind: "worker", action: "grants.adopted", targetKind: "application", targetId: app.id,
    data: { application: app.key, grants: rows.length, people: people.length, firstSync, sample: rows.slice(0, 50).map((r) => ({ personId: r.person_id, entitlementId: r.entitlement_id })) },
  });
  return { adopted: rows.length, people };
}
