/**
 * Roles mined from the live organisation → DRAFT role templates, by entitlement id (the live catalogue's own
 * ids, so no name matching is needed). Never published here: publishing goes through the blast-radius preview
 * on the role's admin page. Ids that no longer exist are reported as `missing` and left out. One transaction
 * with its audit event (admins only).
 */
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { entitlements, roleEntitlements, roleTemplates } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export const draftsFromMinedInput = z.object({
  jobId: z.string().uuid().optional(),
  roles: z
    .array(z.object({ name: z.string().trim().min(1).max(120), entitlementIds: z.array(z.string().uuid()).min(1).max(500), description: z.string().max(2000).optional() }))
    .min(1, "Choose at least one role")
    .max(200),
});

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "role";

export async function draftsFromMined({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins can create role templates.");
  const p = draftsFromMinedInput.safeParse(input);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid roles");
  const wanted = [...new Set(p.data.roles.flatMap((r) => r.entitlementIds))];
  const stamp = Date.now().toString(36);
  return ctx.db.transaction(async (tx) => {
    const known = new Set((await tx.select({ id: entitlements.id }).from(entitlements).where(inArray(entitlements.id, wanted))).map((e) => e.id));
    const created: Array<{ id: string; name: string; entitlements: number; missing: string[] }> = [];
    for (const [i, r] of p.data.roles.entries()) {
      const ids = [...new Set(r.entitlementIds)].filter((id) => known.has(id));
      const missing = r.entitlementIds.filter((id) => !known.has(id));
      const [t] = await tx
        .insert(roleTemplates)
        .values({ key: `${slug(r.name)}-${stamp}-${i}`, name: r.name, status: "draft", origin: "mined:organisation", description: r.description ?? "Drafted from role mining over the live organisation." })
        .returning({ id: roleTemplates.id });
      if (ids.length) await tx.insert(roleEntitlements).values(ids.map((entitlementId) => ({ roleId: t!.id, entitlementId })));
      created.push({ id: t!.id, name: r.name, entitlements: ids.length, missing });
    }
    await recordAudit(tx, {
      actorId: ctx.actor.personId, actorKind: "person", action: "role.drafts_created", targetKind: "role_template", targetId: null,
      data: { origin: "mined:organisation", jobId: p.data.jobId ?? null, roles: created },
    });
    return created;
  });
}
