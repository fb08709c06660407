/**
 * Write what a role template change does to access given through the template itself (grants of source "role"
 * whose sourceRef is the template), exactly as its preview listed it (lib/services/roles/preview-change.ts
 * `templateBacked`): new role grants for the template's holders, open-ended role grants scheduled for removal after
 * the overlap (the expiry sweep revokes them), and scheduled removals cancelled when the entitlement comes back.
 * Runs in the caller's transaction, after the birthright re-sync. Adopted grants are never in these lists.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { grants } from "@/db/schema";
import type { TemplateBacked } from "@/lib/services/roles/preview-change";

export type TemplateGrantChange = { personId: string; added: string[]; scheduled: string[] };

export async function applyTemplateGrants(
  tx: Queryable,
  tb: TemplateBacked,
  opts: { roleId: string; roleName: string; now: Date; moverOverlapDays: number; actorId?: string | null },
): Promise<TemplateGrantChange[]> {
  const byPerson = new Map<string, TemplateGrantChange>();
  const of = (personId: string) => byPerson.get(personId) ?? byPerson.set(personId, { personId, added: [], scheduled: [] }).get(personId)!;
  for (let i = 0; i < tb.add.length; i += 1000) {
    const chunk = tb.add.slice(i, i + 1000);
    await tx.insert(grants).values(chunk.map((x) => ({
      personId: x.personId, entitlementId: x.entitlementId, source: "role" as const, sourceRef: opts.roleId, grantedAt: opts.now,
      grantedById: opts.actorId ?? null, reason: `Role: ${opts.roleName} (added to the template)`,
    })));
    for (const x of chunk) of(x.personId).added.push(x.entitlementId);
  }
  if (tb.schedule.length) {
    const overlapEnd = new Date(opts.now.getTime() + opts.moverOverlapDays * 86_400_000);
    for (let i = 0; i < tb.schedule.length; i += 1000) {
      const done = await tx
        .update(grants)
        .set({ expiresAt: overlapEnd, reason: `Role template changed: no longer part of ${opts.roleName}; kept until ${overlapEnd.toISOString().slice(0, 10)}` })
        .where(and(inArray(grants.id, tb.schedule.slice(i, i + 1000)), eq(grants.status, "active"), isNull(grants.adoptedAt)))
        .returning({ personId: grants.personId, entitlementId: grants.entitlementId });
      for (const g of done) of(g.personId).scheduled.push(g.entitlementId);
    }
  }
  for (let i = 0; i < tb.restore.length; i += 1000) {
    await tx.update(grants).set({ expiresAt: null, reason: `Role: ${opts.roleName} (back in the template)` }).where(inArray(grants.id, tb.restore.slice(i, i + 1000)));
  }
  return [...byPerson.values()];
}
