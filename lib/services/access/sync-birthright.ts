/**
 * Desired state from HR attributes: make each person's birthright grants match what the
 * rules give them now. Runs in the caller's transaction (with the HR change that caused it).
 *
 * - A role the rules now give → its entitlements granted (source "birthright", sourceRef role id).
 * - Birthright access the rules no longer give (a mover) → kept for `moverOverlapDays`, then the
 *   expiry sweep revokes it (expiresAt set; reason says why). Given again before then → kept.
 * - Terminated → every active grant of any source revoked at once (leavers lose all access).
 * - On leave → grants untouched (escrow); the planner suspends the accounts.
 */
import { and, eq, inArray, lte } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { activeBirthrightRules } from "@/db/queries/rules";
import { grants, people, roleEntitlements } from "@/db/schema";
import { resolveRoles, type Rule } from "@/lib/domain/policy";

export type BirthrightChange = { personId: string; added: string[]; scheduled: string[]; revoked: string[]; kept: string[] };

export async function syncBirthrightGrants(
  tx: Queryable,
  personIds: string[],
  opts: { now: Date; moverOverlapDays: number; actorId?: string | null },
): Promise<BirthrightChange[]> {
  if (personIds.length === 0) return [];
  const rules: Rule[] = await activeBirthrightRules(tx);
  const roleEnts = new Map<string, string[]>();
  const reIds = [...new Set(rules.map((r) => r.roleId))];
  if (reIds.length) {
    for (const re of await tx.select().from(roleEntitlements).where(inArray(roleEntitlements.roleId, reIds))) {
      const l = roleEnts.get(re.roleId) ?? [];
      l.push(re.entitlementId);
      roleEnts.set(re.roleId, l);
    }
  }
  const out: BirthrightChange[] = [];
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = personIds.slice(i, i + 500);
    const ps = await tx.select().from(people).where(inArray(people.id, chunk));
    const active = await tx.select().from(grants).where(and(inArray(grants.personId, chunk), eq(grants.status, "active")));
    const byPerson = new Map<string, typeof active>();
    for (const g of active) byPerson.set(g.personId, [...(byPerson.get(g.personId) ?? []), g]);
    const inserts: Array<typeof grants.$inferInsert> = [];
    for (const p of ps) {
      const held = byPerson.get(p.id) ?? [];
      const change: BirthrightChange = { personId: p.id, added: [], scheduled: [], revoked: [], kept: [] };
      if (p.status === "terminated") {
        if (held.length) {
          await tx
            .update(grants)
            .set({ status: "revoked", revokedAt: opts.now, revokedById: opts.actorId ?? null, revokeReason: "leaver: all access removed" })
            .where(inArray(grants.id, held.map((g) => g.id)));
          change.revoked = held.map((g) => g.entitlementId);
        }
        out.push(change);
        continue;
      }
      if (p.status === "on_leave") {
        out.push(change);
        continue;
      }
      const roles = resolveRoles({ ...p, attributes: p.attributes ?? {} }, rules);
      const desired = new Map<string, { roleId: string; why: string }>();
      for (const [roleId, ruleNames] of roles) for (const e of roleEnts.get(roleId) ?? []) if (!desired.has(e)) desired.set(e, { roleId, why: ruleNames.join(", ") });
      const birthright = held.filter((g) => g.source === "birthright");
      const heldEnts = new Set(held.map((g) => g.entitlementId));
      for (const [entId, d] of desired) {
        if (heldEnts.has(entId)) {
          // Given again: cancel a pending mover removal.
          const pendingRemoval = birthright.find((g) => g.entitlementId === entId && g.expiresAt && g.reason.startsWith("Mover:"));
          if (pendingRemoval) await tx.update(grants).set({ expiresAt: null, reason: `Birthright rule: ${d.why}` }).where(eq(grants.id, pendingRemoval.id));
          change.kept.push(entId);
          continue;
        }
        inserts.push({ personId: p.id, entitlementId: entId, source: "birthright", sourceRef: d.roleId, grantedAt: opts.now, reason: `Birthright rule: ${d.why}` });
        change.added.push(entId);
      }
      const overlapEnd = new Date(opts.now.getTime() + opts.moverOverlapDays * 86_400_000);
      for (const g of birthright) {
        if (desired.has(g.entitlementId) || g.expiresAt) continue;
        await tx
          .update(grants)
          .set({ expiresAt: overlapEnd, reason: `Mover: no longer given by the rules; kept until ${overlapEnd.toISOString().slice(0, 10)}` })
          .where(eq(grants.id, g.id));
        change.scheduled.push(g.entitlementId);
      }
      out.push(change);
    }
    for (let j = 0; j < inserts.length; j += 1000) await tx.insert(grants).values(inserts.slice(j, j + 1000));
  }
  return out;
}

/** Time-bound access ends by itself: active grants past their expiry become "expired". */
export async function expireGrants(tx: Queryable, now: Date): Promise<Array<{ id: string; personId: string; entitlementId: string }>> {
  return tx
    .update(grants)
    .set({ status: "expired", revokedAt: now, revokeReason: "expired" })
    .where(and(eq(grants.status, "active"), lte(grants.expiresAt, now)))
    .returning({ id: grants.id, personId: grants.personId, entitlementId: grants.entitlementId });
}
