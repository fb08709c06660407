"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { applyRoleChange, type RunTotals } from "@/lib/services/roles/apply-role-change";
import type { RoleChangePreview } from "@/lib/services/roles/preview-change";
import { parseConditionText } from "@/lib/services/roles/preview-change-reads";

/** `totals`: what applying creates (from the dry run) or created; `held`: the mass-change guard holds (or would hold) it. */
export type RoleChangeState = {
  ok: boolean; message?: string; fields?: Record<string, string>; preview?: RoleChangePreview;
  totals?: RunTotals; applied?: boolean; held?: { id: string | null; reasons: string[] } | null;
} | null;

const form = z.object({
  kind: z.enum(["rule.conditions", "rule.enabled", "role.addEntitlement", "role.removeEntitlement", "role.publish"]),
  mode: z.enum(["preview", "apply"]),
  roleId: z.string().uuid(),
  ruleId: z.string().uuid().optional(),
  entitlementId: z.string().uuid().optional(),
  conditions: z.string().max(5000).optional(),
  enabled: z.enum(["true", "false"]).optional(),
  ruleName: z.string().max(120).optional(),
  expectGain: z.coerce.number().int().min(0).optional(),
  expectLose: z.coerce.number().int().min(0).optional(),
  previewToken: z.string().max(100).optional(),
});

/** What the browser gets of a preview: the figures and samples, never everyone's ids. */
const forBrowser = (p: RoleChangePreview): RoleChangePreview => ({ ...p, affectedPersonIds: [], templateBacked: { add: [], schedule: [], restore: [] } });

/** Preview (blast radius, changes nothing) or apply one role/rule change. Admins only (checked in the services). */
export async function roleChangeAction(_prev: RoleChangeState, fd: FormData): Promise<RoleChangeState> {
  return runAction(async () => {
    const raw = Object.fromEntries([...fd.entries()].filter(([, v]) => typeof v === "string" && v !== ""));
    const f = form.safeParse(raw);
    if (!f.success) return { ok: false, message: f.error.issues[0]?.message ?? "Invalid change" };
    const d = f.data;
    const change =
      d.kind === "rule.conditions" ? { kind: d.kind, ruleId: d.ruleId, conditions: parseConditionText(d.conditions ?? "") }
      : d.kind === "rule.enabled" ? { kind: d.kind, ruleId: d.ruleId, enabled: d.enabled === "true" }
      : d.kind === "role.publish" ? { kind: d.kind, roleId: d.roleId, rule: d.conditions?.trim() ? { name: d.ruleName || "Birthright rule", conditions: parseConditionText(d.conditions) } : undefined }
      : { kind: d.kind, roleId: d.roleId, entitlementId: d.entitlementId };
    const ctx = { actor: await actorOrThrow(), db: await getDb() };
    const totals = (r: RunTotals): RunTotals => ({ added: r.added, scheduledForRemoval: r.scheduledForRemoval, ruleBacked: r.ruleBacked, operations: r.operations, byKind: r.byKind });
    if (d.mode === "preview") {
      // The preview is the apply itself, rolled back: its totals are what applying creates.
      const r = await applyRoleChange({ ctx, input: { change } }, { dryRun: true });
      return { ok: true, preview: forBrowser(r.preview), totals: totals(r), held: r.held };
    }
    // The apply is the previewed change: its token must match (the server refuses any other change).
    const r = await applyRoleChange({ ctx, input: { change, previewToken: d.previewToken, expect: d.expectGain !== undefined && d.expectLose !== undefined ? { gain: d.expectGain, lose: d.expectLose } : undefined } });
    revalidatePath(`/admin/roles/${d.roleId}`);
    revalidatePath("/admin/roles");
    if (r.held?.id) revalidatePath("/admin/held-runs");
    return { ok: true, preview: forBrowser(r.preview), totals: totals(r), applied: !r.held, held: r.held };
  }, fd);
}
