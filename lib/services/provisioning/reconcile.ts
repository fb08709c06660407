/**
 * Reconciliation: read a connected system back and make the portal's ACTUAL state (accounts,
 * account_entitlements) what the target really holds; then, for applications whose policy is "remediate", feed
 * the same planner so drift converges through ordinary operations (no special repair path).
 *
 * Matching: by the target's id (externalId), else by userName (case-insensitive). Target accounts the portal does
 * not know are linked to the person whose email matches, else recorded as orphans (personId null). Portal
 * accounts missing from the target are marked deleted. Accounts with an operation in flight are left alone (the
 * operation will record their state). One transaction per application, audited.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accountEntitlements, accounts, applications, entitlements, operations, people, type Application } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Connector, TargetAccount } from "@/lib/domain/connector";
import { connectorFor as defaultConnectorFor, type ConnectorFor } from "./connector-for";
import { isManaged, planPeople } from "./plan";

export type ReconcileReport = {
  application: string;
  targetAccounts: number;
  matched: number;
  drifted: number;
  missingInTarget: number;
  orphans: number;
  linked: number;
  unknownEntitlements: number;
  plannedOperations: number;
};

export async function reconcileApplication(db: Queryable, app: Application, connector: Connector, now = new Date()): Promise<ReconcileReport> {
  const target = await connector.listAccounts(); // outside the transaction: the target may be slow
  return db.transaction(async (tx) => {
    const [known, ents, busy] = await Promise.all([
      tx.select().from(accounts).where(eq(accounts.applicationId, app.id)),
      tx.select({ id: entitlements.id, externalId: entitlements.externalId }).from(entitlements).where(eq(entitlements.applicationId, app.id)),
      tx
        .select({ personId: operations.personId })
        .from(operations)
        .where(and(eq(operations.applicationId, app.id), inArray(operations.status, ["queued", "running"]))),
    ]);
    const busyPeople = new Set(busy.map((b) => b.personId).filter(Boolean));
    const entByExt = new Map(ents.map((e) => [e.externalId, e.id]));
    const held = known.length
      ? await tx.select().from(accountEntitlements).where(inArray(accountEntitlements.accountId, known.map((a) => a.id)))
      : [];
    const heldBy = new Map<string, Set<string>>();
    for (const h of held) (heldBy.get(h.accountId) ?? heldBy.set(h.accountId, new Set()).get(h.accountId)!).add(h.entitlementId);
    const byExt = new Map(known.filter((a) => a.externalId).map((a) => [a.externalId!, a]));
    const byName = new Map(known.map((a) => [a.username.toLowerCase(), a]));

    const report: ReconcileReport = { application: app.key, targetAccounts: target.length, matched: 0, drifted: 0, missingInTarget: 0, orphans: 0, linked: 0, unknownEntitlements: 0, plannedOperations: 0 };
    const affected = new Set<string>();
    const seen = new Set<string>();
    const setHeld = async (accountId: string, t: TargetAccount) => {
      const want = new Set<string>();
      for (const x of t.entitlements) {
        const id = entByExt.get(x);
        if (id) want.add(id);
        else report.unknownEntitlements++;
      }
      const have = heldBy.get(accountId) ?? new Set<string>();
      const add = [...want].filter((e) => !have.has(e));
      const del = [...have].filter((e) => !want.has(e));
      if (add.length) await tx.insert(accountEntitlements).values(add.map((entitlementId) => ({ accountId, entitlementId, observedAt: now }))).onConflictDoNothing();
      if (del.length) await tx.delete(accountEntitlements).where(and(eq(accountEntitlements.accountId, accountId), inArray(accountEntitlements.entitlementId, del)));
      return add.length + del.length > 0;
    };

    const emails = target.filter((t) => !byExt.has(t.externalId) && !byName.has(t.userName.toLowerCase()) && t.email).map((t) => t.email!.toLowerCase());
    const personByEmail = new Map<string, string>();
    if (emails.length) {
      const rows = await tx.select({ id: people.id, email: people.email }).from(people).where(inArray(sql`lower(${people.email})`, emails));
      for (const r of rows) personByEmail.set(r.email.toLowerCase(), r.id);
    }

    for (const t of target) {
      const a = byExt.get(t.externalId) ?? byName.get(t.userName.toLowerCase());
      if (a) {
        seen.add(a.id);
        if (a.personId && busyPeople.has(a.personId)) continue;
        const status = t.active ? ("active" as const) : ("disabled" as const);
        const statusDrift = a.status !== status;
        const entDrift = await setHeld(a.id, t);
        const drift = statusDrift || entDrift || a.externalId !== t.externalId;
        await tx
          .update(accounts)
          .set({
            externalId: t.externalId,
            status,
            disabledAt: status === "disabled" ? (a.disabledAt ?? now) : null,
            reconState: a.personId ? (drift ? "drift" : "matched") : a.reconState === "unmanaged" ? "unmanaged" : "orphan",
            lastLoginAt: t.lastLoginAt ? new Date(t.lastLoginAt) : a.lastLoginAt,
            updatedAt: now,
          })
          .where(eq(accounts.id, a.id));
        if (drift) report.drifted++;
        else report.matched++;
        if (a.personId && drift) affected.add(a.personId);
        continue;
      }
      const personId = t.email ? (personByEmail.get(t.email.toLowerCase()) ?? null) : null;
      const [created] = await tx
        .insert(accounts)
        .values({ applicationId: app.id, personId, externalId: t.externalId, username: t.userName, status: t.active ? "active" : "disabled", disabledAt: t.active ? null : now, reconState: personId ? "matched" : "orphan", updatedAt: now })
        .onConflictDoNothing()
        .returning({ id: accounts.id });
      if (!created) continue;
      await setHeld(created.id, t);
      if (personId) {
        report.linked++;
        affected.add(personId);
      } else report.orphans++;
    }
    for (const a of known) {
      if (seen.has(a.id) || a.status === "deleted" || (a.personId && busyPeople.has(a.personId))) continue;
      await tx.update(accounts).set({ status: "deleted", reconState: "drift", updatedAt: now }).where(eq(accounts.id, a.id));
      await tx.delete(accountEntitlements).where(eq(accountEntitlements.accountId, a.id));
      report.missingInTarget++;
      if (a.personId) affected.add(a.personId);
    }
    await tx.update(applications).set({ lastReconciledAt: now }).where(eq(applications.id, app.id));
    if (app.reconcilePolicy === "remediate" && affected.size) {
      const r = await planPeople(tx, [...affected], { kind: "reconcile", id: app.id }, now);
      report.plannedOperations = r.operationIds.length;
    }
    await recordAudit(tx, { actorKind: "worker", action: "reconciliation.completed", targetKind: "application", targetId: app.id, data: { ...report, policy: app.reconcilePolicy } });
    return report;
  });
}

/** Reconcile every managed application (or the given keys); a failing target is reported, not fatal. */
export async function reconcileAll(
  db: Queryable,
  opts: { keys?: string[]; connectorFor?: ConnectorFor } = {},
): Promise<Array<ReconcileReport | { application: string; error: string }>> {
  const apps = (await db.select().from(applications)).filter((a) => isManaged(a) && (!opts.keys?.length || opts.keys.includes(a.key)));
  const out: Array<ReconcileReport | { application: string; error: string }> = [];
  for (const app of apps) {
    let c: Connector | null = null;
    try {
      c = await (opts.connectorFor ?? defaultConnectorFor)(app);
      out.push(await reconcileApplication(db, app, c));
    } catch (e) {
      out.push({ application: app.key, error: e instanceof Error ? e.message : String(e) });
    } finally {
      await c?.close?.().catch(() => {});
    }
  }
  return out;
}

/**
 * Scheduled reconciliation: every managed system whose last successful sync is older than
 * `maxAgeMs` (or that was never reconciled) is read back. Idempotent, so two workers doing it
 * at once only repeat work; failures are reported per system and retried next time.
 */
export async function reconcileDue(db: Queryable, maxAgeMs: number, now = new Date()) {
  const due = (await db.select({ key: applications.key, at: applications.lastReconciledAt, enabled: applications.enabled }).from(applications))
    .filter((a) => a.enabled && (!a.at || now.getTime() - a.at.getTime() > maxAgeMs))
    .map((a) => a.key);
  return due.length ? reconcileAll(db, { keys: due }) : [];
}
