/**
 * Removing one grant explicitly (the person page's "Remove"): the one way besides a review decision to end access
 * nobody decided in Gatehouse (an adopted grant). Admins may remove any grant; a manager may remove the access of
 * their direct reports (the ownership is checked in SQL), except birthright access, which follows the HR rules (the
 * rule would give it back; an admin changes the rule). In one transaction: the grant is revoked (who, why), the
 * person's operations are planned (the revoke in the system) and the decision is audited. A reason is required.
 */
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { grants, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { planPeople } from "@/lib/services/provisioning/plan";
import { auditActorOf } from "@/lib/services/systems/save-system";

const input = z.object({ grantId: z.string().uuid(), reason: z.string().trim().min(3, "Say why the access is removed").max(1000) });

export async function removeGrant({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<{ operations: number }> {
  const admin = can(ctx.actor, "admin.area");
  const actorId = ctx.actor.personId;
  const isPerson = /^[0-9a-f-]{36}$/i.test(actorId);
  if (!admin && !isPerson) throw new ForbiddenError("Only admins and a person's manager can remove access directly.");
  const p = input.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid request", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  const now = nowOf(ctx);
  const who = auditActorOf(ctx);
  const r = await ctx.db.transaction(async (tx) => {
    // A manager: only their direct reports' grants (filtered in SQL), and never birthright access.
    const mine = admin ? sql`true` : inArray(grants.personId, tx.select({ id: people.id }).from(people).where(and(eq(people.managerId, actorId), ne(people.id, actorId))));
    if (!admin) {
      const [x] = await tx.select({ source: grants.source }).from(grants).where(and(eq(grants.id, p.data.grantId), eq(grants.status, "active"), mine));
      if (!x) throw new ForbiddenError("Only admins and a person's manager can remove their access.");
      if (x.source === "birthright") throw new ValidationError("Birthright access follows the HR rules and would come back; ask an admin to change the rule.", { grantId: "birthright" });
    }
    const [g] = await tx
      .update(grants)
      .set({ status: "revoked", revokedAt: now, revokedById: who.actorId, revokeReason: `${admin ? "Removed by an admin" : "Removed by their manager"}: ${p.data.reason}` })
      .where(and(eq(grants.id, p.data.grantId), eq(grants.status, "active"), mine))
      .returning();
    if (!g) throw new NotFoundError("No such active grant.");
    const planned = await planPeople(tx, [g.personId], { kind: "grant.removed", id: g.id, actorId: who.actorId }, now);
    await recordAudit(tx, {
      ...who, action: "grant.removed", targetKind: "person", targetId: g.personId,
      data: { grantId: g.id, entitlementId: g.entitlementId, source: g.source, adoptedAt: g.adoptedAt?.toISOString() ?? null, reason: p.data.reason, operations: planned.operationIds.length, by: admin ? "admin" : "manager" },
    });
    return { operations: planned.operationIds.length };
  });
  if (r.operations > 0) {
    const { wakeDispatcher } = await import("@/lib/jobs/wake");
    wakeDispatcher();
  }
  return r;
}
