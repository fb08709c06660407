/**
 * The routing policy admins edit, with shadow mode. No table of its own: every save is a `jobs` row of kind
 * "routing_policy", status "succeeded", input = { mode: "active" | "shadow" }, result = { policy } (result.policy null
 * for a shadow row means "shadow mode off"); the newest row per mode wins, and every save is also an audit event
 * ("routing_policy.saved"). Without any row the active policy is DEFAULT_ROUTING_POLICY and there is no shadow.
 *
 * Shadow mode: a shadow policy decides nothing. assess.ts keeps routing with the active policy and also computes
 * what the shadow policy would have routed; create-request stores that in the "request.created" audit event
 * (data.shadowRoute, data.shadowItemRoutes = [{ itemId, route }], data.shadowPolicyId). shadowReport compares those
 * routes with what people decided (lib/domain/routing shadowCompare).
 */
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { latestRoutingPolicyRows, shadowRoutesWithDecisions } from "@/db/queries/requests";
import { jobs } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { DEFAULT_ROUTING_POLICY, shadowCompare, validateRoutingPolicy, type RoutingPolicy, type ShadowReport } from "@/lib/domain/routing";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export const ROUTING_POLICY_JOB_KIND = "routing_policy";

export type StoredPolicy = { id: string | null; policy: RoutingPolicy; savedAt: string | null; savedBy: string | null };
export type RoutingPolicies = { active: StoredPolicy; shadow: StoredPolicy | null };

const policySchema = z.object({
  autoApproveMaxRisk: z.coerce.number(),
  autoApproveMinPeerAdoption: z.coerce.number(),
  managerMaxRisk: z.coerce.number(),
  contractorsNeedSponsor: z.boolean(),
  escalationHours: z.coerce.number(),
  reminderHours: z.coerce.number(),
  requesterMayApprove: z.boolean().optional(),
});
export const saveRoutingPolicyInput = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("active"), policy: policySchema }),
  z.object({ mode: z.literal("shadow"), policy: policySchema }),
  z.object({ mode: z.literal("shadow_off") }),
]);

/** A stored policy, read defensively: unknown or invalid content falls back to the default (never to something looser). */
function parseStored(result: Record<string, unknown> | null): RoutingPolicy | null {
  const p = policySchema.safeParse(result?.policy);
  if (!p.success) return null;
  const policy: RoutingPolicy = { ...DEFAULT_ROUTING_POLICY, ...p.data };
  return validateRoutingPolicy(policy).length ? null : policy;
}

/** The policies in force (no permission check: routing needs them for every request). */
export async function loadRoutingPolicies(db: Queryable): Promise<RoutingPolicies> {
  const rows = await latestRoutingPolicyRows(db);
  const iso = (d: string | Date) => new Date(d).toISOString();
  const a = rows.find((r) => r.mode === "active");
  const s = rows.find((r) => r.mode === "shadow");
  const activePolicy = a ? parseStored(a.result) : null;
  const shadowPolicy = s ? parseStored(s.result) : null;
  return {
    active: activePolicy && a ? { id: a.id, policy: activePolicy, savedAt: iso(a.created_at), savedBy: a.by_name } : { id: null, policy: { ...DEFAULT_ROUTING_POLICY }, savedAt: null, savedBy: null },
    shadow: shadowPolicy && s ? { id: s.id, policy: shadowPolicy, savedAt: iso(s.created_at), savedBy: s.by_name } : null,
  };
}

/** For the admin page (admins, security, auditors read it). */
export async function getRoutingPolicies({ ctx }: { ctx: Ctx }): Promise<RoutingPolicies & { defaults: RoutingPolicy }> {
  if (!can(ctx.actor, "audit.read")) throw new ForbiddenError("Only admins, security and auditors can see the routing policy.");
  return { ...(await loadRoutingPolicies(ctx.db)), defaults: { ...DEFAULT_ROUTING_POLICY } };
}

/** Save a policy as active or shadow, or turn shadow mode off. Admins only; validated; audited. */
export async function saveRoutingPolicy({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can change the routing policy.");
  const parsed = saveRoutingPolicyInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid routing policy");
  const input = parsed.data;
  const policy = input.mode === "shadow_off" ? null : ({ ...DEFAULT_ROUTING_POLICY, ...input.policy } as RoutingPolicy);
  if (policy) {
    const errs = validateRoutingPolicy(policy);
    if (errs.length) throw new ValidationError(errs.join(" "), { policy: errs.join(" ") });
  }
  const mode = input.mode === "active" ? "active" : "shadow";
  const before = await loadRoutingPolicies(ctx.db);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(jobs)
      .values({
        kind: ROUTING_POLICY_JOB_KIND, status: "succeeded", input: { mode }, result: { policy },
        message: policy ? `Routing policy saved as ${mode}` : "Shadow mode turned off",
        createdById: ctx.actor.personId, createdAt: now, startedAt: now, finishedAt: now,
      })
      .returning({ id: jobs.id });
    await recordAudit(tx, {
      actorId: ctx.actor.personId, actorKind: "person", action: "routing_policy.saved", targetKind: "routing_policy", targetId: row!.id,
      data: { mode: input.mode, policy, previous: mode === "active" ? before.active.policy : (before.shadow?.policy ?? null) },
    });
    return { id: row!.id, mode: input.mode, policy };
  });
}

export type ShadowReportResult = { shadow: StoredPolicy | null; report: ShadowReport };

/** How the current shadow policy would have done against people's decisions on the requests filed while it ran. */
export async function shadowReport({ ctx }: { ctx: Ctx }): Promise<ShadowReportResult> {
  if (!can(ctx.actor, "audit.read")) throw new ForbiddenError("Only admins, security and auditors can see the shadow report.");
  const { shadow } = await loadRoutingPolicies(ctx.db);
  const rows = shadow ? await shadowRoutesWithDecisions(ctx.db, shadow.id) : [];
  return { shadow, report: shadowCompare(rows.map((r) => ({ wouldRoute: r.would_route, humanDecision: r.human }))) };
}
