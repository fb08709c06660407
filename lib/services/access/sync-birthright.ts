/**
 * Desired state from HR attributes: make each person's birthright grants match what the
 * rules give them now. Runs in the caller's transaction (with the HR change that caused it).
 *
 * - A role the rules now give → its entitlements granted (source "birthright", sourceRef role id).
 * - Birthright access the rules no longer give (a mover) → kept for `moverOverlapDays`, then the
 *   expiry sweep revokes it (expiresAt set; reason says why). Given again before then → kept.
 * - Terminated → every active grant of any source revoked at once (leavers lose all access).
 * - On leave → grants untouched (escrow); the planner suspends the accounts.
 * - Adopted access (source "adopted": held before Gatehouse, see provisioning/discover.ts) is never revoked or
 *   scheduled here; when a rule now gives it, the grant becomes rule-backed (source "birthright", the role as its
 *   sourceRef, adopted_at kept as the record of where it came from); when the rules stop giving it, it goes back to
 *   "adopted" instead of being scheduled for removal.
 * Rules may name IdP groups (`idpGroup` conditions): callers re-run this when a membership changes.
 */
import { and, eq, inArray, lte } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { idpGroupsOfPeople } from "@/db/queries/idp-groups";
import { activeBirthrightRules } from "@/db/queries/rules";
import { grants, people, roleEntitlements } from "@/db/schema";
import { resolveRoles, type Rule } from "@/lib/domain/policy";

export type BirthrightChange = { personId: string; added: string[]; scheduled: string[]; revoked: string[]; kept: string[]; adoptedCovered: string[] };

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
    const groupsOf = await idpGroupsOfPeople(tx, chunk);
    const active = await tx.select().from(grants).where(and(inArray(grants.personId, chunk), eq(grants.status, "active")));
    const byPerson = new Map<string, typeof active>();
    for (const g of active) byPerson.set(g.personId, [...(byPerson.get(g.personId) ?? []), g]);
    const inserts: Array<typeof grants.$inferInsert> = [];
    for (const p of ps) {
      const held = byPerson.get(p.id) ?? [];
      const change: BirthrightChange = { personId: p.id, added: [], scheduled: [], revoked: [], kept: [], adoptedCovered: [] };
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
      // On leave: grants untouched (escrow). Agents and service accounts get no birthright: only requested access.
      if (p.status === "on_leave" || p.kind !== "human") {
        out.push(change);
        continue;
      }
      const roles = resolveRoles({ ...p, attributes: p.attributes ?? {}, idpGroups: groupsOf.get(p.id) ?? [] }, rules);
      const desired = new Map<string, { roleId: string; why: string }>();
      for (const [roleId, ruleNames] of roles) for (const e of roleEnts.get(roleId) ?? []) if (!desired.has(e)) desired.set(e, { roleId, why: ruleNames.join(", ") });
      const birthright = held.filter((g) => g.source === "birthright");
      const heldEnts = new Set(held.map((g) => g.entitlementId));
      for (const [entId, d] of desired) {
        if (heldEnts.has(entId)) {
          // Given again: cancel a pending mover removal.
          const pendingRemoval = birthright.find((g) => g.entitlementId === entId && g.expiresAt && g.reason.startsWith("Mover:"));
          if (pendingRemoval) await tx.update(grants).set({ expiresAt: null, reason: `Birthright rule: ${d.why}` }).where(eq(grants.id, pendingRemoval.id));
          const adopted = !birthright.some((g) => g.entitlementId === entId) && held.find((g) => g.entitlementId === entId && g.source === "adopted");
          if (adopted) {
            await tx.update(grants).set({ source: "birthright", sourceRef: d.roleId, reason: `Birthright rule: ${d.why} (adopted before)` }).where(eq(grants.id, adopted.id));
            change.adoptedCovered.push(entId);
          }
          change.kept.push(entId);
          continue;
        }
        inserts.push({ personId: p.id, entitlementId: entId, source: "birthright", sourceRef: d.roleId, grantedAt: opts.now, reason: `Birthright rule: ${d.why}` });
        change.added.push(entId);
      }
      const overlapEnd = new Date(opts.now.getTime() + opts.moverOverlapDays * 86_400_000);
      for (const g of birthright) {
        if (desired.has(g.entitlementId) || g.expiresAt) continue;
        if (g.adoptedAt) {
          // Held before Gatehouse and only rule-backed since: the rule going away does not remove it.
          await tx.update(grants).set({ source: "adopted", sourceRef: null, reason: "Adopted: held before Gatehouse; no longer given by the rules, kept (review it)" }).where(eq(grants.id, g.id));
          change.kept.push(g.entitlementId);
          continue;
        }
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
