"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError } from "@/lib/errors";
import { applyRoleChange } from "@/lib/services/roles/apply-role-change";
import { previewRoleChange, type RoleChangePreview } from "@/lib/services/roles/preview-change";
import { parseConditionText } from "@/lib/services/roles/preview-change-reads";

export type RoleChangeState = { ok: boolean; message?: string; fields?: Record<string, string>; preview?: RoleChangePreview; applied?: { operations: number; added: number; scheduledForRemoval: number } } | null;

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
});

/** Preview (blast radius, changes nothing) or apply one role/rule change. Admins only (checked in the services). */
export async function roleChangeAction(_prev: RoleChangeState, fd: FormData): Promise<RoleChangeState> {
  try {
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
    if (d.mode === "preview") return { ok: true, preview: await previewRoleChange({ ctx, input: change }) };
    const r = await applyRoleChange({ ctx, input: { change, expect: d.expectGain !== undefined && d.expectLose !== undefined ? { gain: d.expectGain, lose: d.expectLose } : undefined } });
    revalidatePath(`/admin/roles/${d.roleId}`);
    revalidatePath("/admin/roles");
    return { ok: true, preview: r.preview, applied: { operations: r.operations, added: r.added, scheduledForRemoval: r.scheduledForRemoval } };
  } catch (err) {
    const e = toUserError(err);
    return { ok: false, message: e.message, fields: e.fields };
  }
}
