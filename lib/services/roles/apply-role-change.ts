/**
 * Save a rule / role template change and make it real, in ONE transaction: compute the blast radius (the same
 * computation the preview showed), write the change, re-sync the birthright grants of everyone affected, plan
 * their operations (outbox) and record the audit event with the figures. Admins only.
 *
 * `expect` (optional): the gain/lose totals the admin saw in the preview; if the organisation changed since
 * (someone else's import or edit), the apply is refused rather than silently doing something else.
 */
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import type { Ctx } from "@/lib/services/context";
import { planPeople } from "@/lib/services/provisioning/plan";
import { computeRoleChangePreview, roleChangeSchema, writeRoleChange, type RoleChangePreview } from "./preview-change";

export const applyRoleChangeInput = z.object({
  change: roleChangeSchema,
  expect: z.object({ gain: z.number().int().min(0), lose: z.number().int().min(0) }).optional(),
  moverOverlapDays: z.number().int().min(0).max(365).default(7),
});

export type ApplyRoleChangeResult = { preview: RoleChangePreview; ruleId?: string; added: number; scheduledForRemoval: number; operations: number };

export async function applyRoleChange({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ApplyRoleChangeResult> {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins can change roles and rules.");
  const parsed = applyRoleChangeInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid change");
  const { change, expect, moverOverlapDays } = parsed.data;
  const now = new Date();
  const actorId = ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId;
  const result = await ctx.db.transaction(async (tx) => {
    const preview = await computeRoleChangePreview(tx, change);
    if (expect && (expect.gain !== preview.gain || expect.lose !== preview.lose)) {
      throw new ConflictError(`The organisation changed since the preview (now +${preview.gain} / −${preview.lose}). Preview again.`);
    }
    const { ruleId } = await writeRoleChange(tx, change, now);
    const changes = await syncBirthrightGrants(tx, preview.affectedPersonIds, { now, moverOverlapDays, actorId });
    const added = changes.reduce((s, c) => s + c.added.length, 0);
    const scheduledForRemoval = changes.reduce((s, c) => s + c.scheduled.length, 0);
    const planned = preview.affectedPersonIds.length
      ? await planPeople(tx, preview.affectedPersonIds, { kind: "role.change", id: preview.roleId, actorId }, now)
      : { operationIds: [] };
    await recordAudit(tx, {
      actorId, actorKind: actorId ? "person" : "cli", action: "role.change_applied", targetKind: "role_template", targetId: preview.roleId,
      data: {
        change, ruleId: ruleId ?? null, gain: preview.gain, lose: preview.lose, summary: preview.summary,
        sodConflicts: preview.sod.map((s) => ({ policyId: s.policyId, people: s.people })),
        people: preview.affectedPersonIds.length, added, scheduledForRemoval, operations: planned.operationIds.length,
      },
    });
    return { preview, ruleId, added, scheduledForRemoval, operations: planned.operationIds.length };
  });
  if (result.operations > 0) {
    const { wakeDispatcher } = await import("@/lib/jobs/worker");
    wakeDispatcher();
  }
  return result;
}
