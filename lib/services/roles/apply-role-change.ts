/**
 * Save a rule / role template change and make it real, in ONE transaction: compute the blast radius (the same
 * computation the preview showed), write the change, re-sync the birthright grants of everyone affected, plan
 * their operations (outbox) and record the audit event with the figures. Admins only.
 *
 * `expect` (optional): the gain/lose totals the admin saw in the preview; if the organisation changed since
 * (someone else's import or edit), the apply is refused rather than silently doing something else.
 * `previewToken` (optional): the token of the previewed change; any other change is refused (the apply is exactly
 * what was previewed, never what a form happens to hold after it).
 *
 * Honest preview: `dryRun` runs exactly this code and rolls the transaction back, so its totals (grants added,
 * removals scheduled, operations by kind) are what applying creates. Mass-change guard: a change removing more than
 * the thresholds allow is held (nothing written but the held run) until an admin releases it (guard/release.ts).
 */
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import type { Ctx } from "@/lib/services/context";
import { assessRemovals, countKinds, HoldRun, holdRun, removalsOfPlan, type GuardVerdict, type Removal } from "@/lib/services/guard/mass-change";
import { planPeople } from "@/lib/services/provisioning/plan";
import { applyTemplateGrants } from "@/lib/services/access/template-grants";
import { changeToken, checkChangeConditions, computeRoleChangePreview, roleChangeSchema, writeRoleChange, type RoleChangePreview } from "./preview-change";

export const applyRoleChangeInput = z.object({
  change: roleChangeSchema,
  expect: z.object({ gain: z.number().int().min(0), lose: z.number().int().min(0) }).optional(),
  /** The token of the change the admin previewed (preview.token): an apply of any other change is refused. */
  previewToken: z.string().max(100).optional(),
  moverOverlapDays: z.number().int().min(0).max(365).default(7),
});

/** What one run did (or, for a dry run, would do): the figures a preview must match exactly. */
export type RunTotals = { added: number; scheduledForRemoval: number; ruleBacked: number; operations: number; byKind: Record<string, number> };

export type ApplyRoleChangeResult = RunTotals & {
  preview: RoleChangePreview;
  ruleId?: string;
  dryRun: boolean;
  /** Set when the mass-change guard held the run (nothing was applied) or, for a dry run, would hold it. */
  held: { id: string | null; reasons: string[] } | null;
};

class DryRun extends Error {
  constructor(public readonly result: ApplyRoleChangeResult) {
    super("dry run");
  }
}

export async function applyRoleChange(
  { ctx, input }: { ctx: Ctx; input: unknown },
  opts: { dryRun?: boolean; guard?: boolean } = {},
): Promise<ApplyRoleChangeResult> {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins can change roles and rules.");
  const parsed = applyRoleChangeInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid change");
  const { change, expect, moverOverlapDays, previewToken } = parsed.data;
  if (previewToken !== undefined && previewToken !== changeToken(change)) {
    throw new ConflictError("This is not the change you previewed (the form changed since the preview). Preview again.");
  }
  await checkChangeConditions(ctx.db, change);
  const now = ctx.clock?.() ?? new Date();
  const dryRun = opts.dryRun === true;
  const actorId = ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId;
  try {
    const result = await ctx.db.transaction(async (tx) => {
      const preview = await computeRoleChangePreview(tx, change);
      if (expect && (expect.gain !== preview.gain || expect.lose !== preview.lose)) {
        throw new ConflictError(`The organisation changed since the preview (now +${preview.gain} / −${preview.lose}). Preview again.`);
      }
      const { ruleId } = await writeRoleChange(tx, change, now);
      const changes = await syncBirthrightGrants(tx, preview.affectedPersonIds, { now, moverOverlapDays, actorId });
      // Access given through the template itself: exactly the grants the preview listed.
      const viaTemplate = await applyTemplateGrants(tx, preview.templateBacked, { roleId: preview.roleId, roleName: preview.roleName, now, moverOverlapDays, actorId });
      const added = changes.reduce((s, c) => s + c.added.length, 0) + viaTemplate.reduce((s, c) => s + c.added.length, 0);
      // Removals counted per (person, entitlement): a person losing one entitlement counts once whatever grants carried it.
      const scheduledPairs = new Set([...changes, ...viaTemplate].flatMap((c) => c.scheduled.map((e) => `${c.personId}/${e}`)));
      const scheduledForRemoval = scheduledPairs.size;
      const ruleBacked = changes.reduce((s, c) => s + c.adoptedCovered.length, 0);
      const planned = preview.affectedPersonIds.length
        ? await planPeople(tx, preview.affectedPersonIds, { kind: "role.change", id: preview.roleId, actorId }, now)
        : { operationIds: [], created: [] };
      const totals: RunTotals = { added, scheduledForRemoval, ruleBacked, operations: planned.operationIds.length, byKind: countKinds(planned.created) };
      const removals: Removal[] = [
        ...[...scheduledPairs].map((k) => ({ kind: "grant.scheduled" as const, personId: k.split("/")[0]!, entitlementId: k.split("/")[1]! })),
        ...removalsOfPlan(planned.created),
      ];
      const verdict: GuardVerdict = await assessRemovals(tx, removals);
      const out: ApplyRoleChangeResult = { preview, ruleId, dryRun, held: verdict.held ? { id: null, reasons: verdict.reasons } : null, ...totals };
      if (dryRun) throw new DryRun(out);
      if (verdict.held && opts.guard !== false) throw new HoldRun(verdict, removals, { added, scheduledForRemoval, operations: totals.operations, ...totals.byKind });
      await recordAudit(tx, {
        actorId, actorKind: actorId ? "person" : "cli", action: "role.change_applied", targetKind: "role_template", targetId: preview.roleId,
        data: {
          change, ruleId: ruleId ?? null, gain: preview.gain, lose: preview.lose, summary: preview.summary,
          sodConflicts: preview.sod.map((s) => ({ policyId: s.policyId, people: s.people })),
          people: preview.affectedPersonIds.length, added, scheduledForRemoval, ruleBacked, operations: totals.operations, byKind: totals.byKind,
        },
      });
      return { ...out, held: null };
    });
    if (result.operations > 0) {
      const { wakeDispatcher } = await import("@/lib/jobs/wake");
      wakeDispatcher();
    }
    return result;
  } catch (e) {
    if (e instanceof DryRun) return e.result;
    if (!(e instanceof HoldRun)) throw e;
    const preview = await computeRoleChangePreview(ctx.db, change);
    const id = await ctx.db.transaction((tx) =>
      holdRun(tx, {
        kind: "role.change", title: `Role change: ${preview.summary}`, input: { change, moverOverlapDays }, actorId, actorKind: actorId ? "person" : "cli", hold: e,
      }),
    );
    return { preview, dryRun: false, held: { id, reasons: e.verdict.reasons }, added: 0, scheduledForRemoval: 0, ruleBacked: 0, operations: 0, byKind: {} };
  }
}
