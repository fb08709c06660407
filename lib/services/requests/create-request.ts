/**
 * createRequest: file an access request for oneself, or as a manager for someone in one's reporting line (checked
 * in SQL), or from a plain-language draft the requester confirmed. In one transaction: the request, its items with
 * risk score + reasons and route + reasons, the approval steps (stage 1 pending, later stages waiting), grants and
 * planned operations for items the policy approves automatically, notifications to the first approvers, and the
 * audit events. A blocking separation-of-duties policy refuses the whole request (with the policy's name) and
 * writes nothing.
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { entitlementsByIds, isInReportingLine, personForRequest } from "@/db/queries/requests";
import { accessRequestItems, accessRequests, approvalSteps } from "@/db/schema";
import { recordAudit, type AuditInput } from "@/lib/audit";
import { can, has } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import type { Ctx } from "@/lib/services/context";
import { assessRequest } from "./assess";
import { postPendingApprovals, type PendingStep } from "./chat-webhook";
import { grantItems, notify, refreshRequestStatus, type Notice } from "./fulfil";

const HOUR = 3_600_000;

export const createRequestInput = z.object({
  beneficiaryId: z.string().uuid().optional(),
  items: z
    .array(z.object({ entitlementId: z.string().uuid(), durationDays: z.coerce.number().int().min(1).max(3650).optional() }))
    .min(1, "Choose at least one entitlement")
    .max(20, "At most 20 entitlements per request"),
  justification: z.string().trim().max(2000).default(""),
  channel: z.enum(["form", "plain_language", "api"]).default("form"),
  originalText: z.string().max(500).optional(),
  /** Plain-language requests are filed only after the requester confirmed the draft. */
  confirmed: z.boolean().optional(),
});
export type CreateRequestInput = z.input<typeof createRequestInput>;

export type CreatedItem = {
  itemId: string;
  entitlementId: string;
  label: string;
  route: string;
  status: string;
  riskScore: number;
  riskReasons: Array<{ factor: string; text: string; weight: number }>;
  routeReasons: string[];
  durationDays: number | null;
};
export type CreateRequestResult = { requestId: string; status: string; items: CreatedItem[]; operationIds: string[] };

export async function createRequest({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<CreateRequestResult> {
  const beneficiaryId = (raw as { beneficiaryId?: string } | null)?.beneficiaryId || ctx.actor.personId;
  // An agent beneficiary: only its human sponsor (or a backup) may ask for access for it.
  const target = z.string().uuid().safeParse(beneficiaryId).success ? await personForRequest(ctx.db, beneficiaryId) : null;
  const sponsorIds = target && target.kind !== "human" ? [target.agentSponsorId, ...(target.agentBackupIds ?? [])].filter((x): x is string => !!x) : undefined;
  if (!can(ctx.actor, "request.create", { kind: "request", beneficiaryId, requesterId: ctx.actor.personId, sponsorIds }))
    throw new ForbiddenError(
      sponsorIds
        ? "Access for an agent is requested by its sponsor (or a backup sponsor), never by the agent or anyone else."
        : ctx.actor.agent
          ? "An agent files requests for its sponsor or the sponsor's reporting line, never for itself."
          : "You can request access for yourself, or as a manager for people in your reporting line.",
    );
  const parsed = createRequestInput.safeParse(raw);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join(".") || "form", i.message]));
    throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid request", fields);
  }
  const input = parsed.data;
  if (input.channel === "plain_language" && !input.confirmed) throw new ValidationError("Confirm the draft before it is submitted.");
  const actorId = ctx.actor.personId;
  const actorKind = ctx.actor.agent ? ("agent" as const) : ("person" as const);

  // Ownership: for someone else only within one's reporting line (admins: anyone). Checked in SQL.
  // Agents: their sponsor and the sponsor's line. Sponsors for their agent: already checked by can().
  const anchor = ctx.actor.agent?.sponsorId ?? actorId;
  if (!sponsorIds && beneficiaryId !== anchor && (ctx.actor.agent || (beneficiaryId !== actorId && !has(ctx.actor, "admin"))) && !(await isInReportingLine(ctx.db, anchor, beneficiaryId)))
    throw new ForbiddenError(
      ctx.actor.agent ? "An agent files requests only for its sponsor or the sponsor's reporting line." : "You can request access only for yourself or for people in your reporting line.",
    );
  const beneficiary = target;
  if (!beneficiary) throw new NotFoundError("No such person.");
  if (beneficiary.status === "terminated") throw new ConflictError(`${beneficiary.displayName} has left; access cannot be requested for them.`);

  const ids = input.items.map((i) => i.entitlementId);
  if (new Set(ids).size !== ids.length) throw new ValidationError("The same entitlement is listed twice.");
  const ents = await entitlementsByIds(ctx.db, ids);
  const byId = new Map(ents.map((e) => [e.id, e]));
  const fields: Record<string, string> = {};
  const durations = new Map<string, number | null>();
  input.items.forEach((it, k) => {
    const e = byId.get(it.entitlementId);
    if (!e) return void (fields[`items.${k}`] = "No such entitlement.");
    if (!e.requestable) fields[`items.${k}`] = `${e.applicationName} ${e.name} cannot be requested; ask its owner.`;
    else if (e.removedAt) fields[`items.${k}`] = `${e.applicationName} ${e.name} no longer exists in the system.`;
    if (e.maxDurationDays != null && it.durationDays != null && it.durationDays > e.maxDurationDays)
      fields[`items.${k}.durationDays`] = `${e.applicationName} ${e.name} can be granted for at most ${e.maxDurationDays} days.`;
    // Time-bound entitlements are never granted open-ended: no duration means the longest allowed.
    durations.set(e.id, it.durationDays ?? e.maxDurationDays ?? null);
  });
  if (ents.some((e) => e.privileged) && input.justification.length < 10)
    fields.justification = "Privileged access needs a justification (at least 10 characters).";
  if (Object.keys(fields).length) throw new ValidationError(Object.values(fields)[0]!, fields);

  const a = await assessRequest(ctx.db, { requesterId: actorId, beneficiary, entitlements: input.items.map((i) => byId.get(i.entitlementId)!), now });
  const already = a.items.filter((i) => a.held.includes(i.entitlement.id));
  if (already.length) throw new ConflictError(`${beneficiary.displayName} already has ${already.map((i) => i.label).join(", ")}.`);
  const blocks = a.items.flatMap((i) => i.sod.filter((c) => c.action === "block").map((c) => ({ item: i.label, policy: c.policyName })));
  if (blocks.length)
    throw new ConflictError(
      `Refused: ${blocks.map((b) => `${b.item} would break the separation-of-duties policy "${b.policy}"`).join("; ")}. That policy allows no exceptions.`,
    );
  if (a.decision.route === "blocked") throw new ConflictError(`Refused: ${a.decision.reasons.join(" ")}`);

  const out = await ctx.db.transaction(async (tx) => {
    // One open request per person and entitlement: a second one would route twice for the same access.
    const open = await tx
      .select({ id: accessRequestItems.id })
      .from(accessRequestItems)
      .innerJoin(accessRequests, eq(accessRequests.id, accessRequestItems.requestId))
      .where(and(eq(accessRequests.beneficiaryId, beneficiaryId), eq(accessRequestItems.status, "pending"), inArray(accessRequestItems.entitlementId, ids)));
    if (open.length) throw new ConflictError("There is already an open request for this access; see My requests.");

    const [req] = await tx
      .insert(accessRequests)
      .values({ requesterId: actorId, beneficiaryId, justification: input.justification, channel: input.channel, originalText: input.originalText ?? null, createdAt: now })
      .returning({ id: accessRequests.id });
    const requestId = req!.id;
    const created: CreatedItem[] = [];
    const autoItems: Array<{ id: string; entitlementId: string; durationDays: number | null }> = [];
    const notices: Notice[] = [];
    const audits: AuditInput[] = [];
    const pendingSteps: PendingStep[] = [];

    for (let k = 0; k < a.items.length; k++) {
      const it = a.items[k]!;
      const d = a.decision.items[k]!;
      const auto = d.route === "auto";
      const durationDays = durations.get(it.entitlement.id) ?? null;
      const [row] = await tx
        .insert(accessRequestItems)
        .values({
          requestId, entitlementId: it.entitlement.id, durationDays, riskScore: it.risk.score, riskReasons: it.risk.reasons,
          route: d.route, routeReason: d.reasons.join(" "), status: auto ? "approved" : "pending", decidedAt: auto ? now : null,
        })
        .returning({ id: accessRequestItems.id });
      const itemId = row!.id;
      if (auto) autoItems.push({ id: itemId, entitlementId: it.entitlement.id, durationDays });
      const steps = d.stages.flatMap((s) =>
        s.approverIds.map((approverId) => ({
          itemId, stage: s.stage, approverKind: s.approverKind, approverId,
          status: s.stage === 1 ? ("pending" as const) : ("waiting" as const),
          dueAt: s.stage === 1 ? new Date(now.getTime() + s.escalateAfterHours * HOUR) : null,
          createdAt: now,
        })),
      );
      if (steps.length)
        pendingSteps.push(
          ...(await tx.insert(approvalSteps).values(steps).returning({ id: approvalSteps.id, stage: approvalSteps.stage, approverId: approvalSteps.approverId }))
            .filter((s) => s.stage === 1)
            .map((s) => ({ stepId: s.id, approverId: s.approverId, label: it.label, beneficiary: beneficiary.displayName, riskScore: it.risk.score })),
        );
      for (const s of steps.filter((x) => x.stage === 1))
        notices.push({
          personId: s.approverId, kind: "approval.requested", link: "/approvals",
          title: `Approval needed: ${it.label} for ${beneficiary.displayName}`,
          body: `Risk ${it.risk.score}/10. ${input.justification ? `Justification: ${input.justification}` : "No justification given."}`,
        });
      created.push({
        itemId, entitlementId: it.entitlement.id, label: it.label, route: d.route, status: auto ? "approved" : "pending",
        riskScore: it.risk.score, riskReasons: it.risk.reasons, routeReasons: d.reasons, durationDays,
      });
      audits.push({
        actorId, actorKind, action: auto ? "request.item_auto_approved" : "request.item_routed", targetKind: "access_request_item", targetId: itemId,
        data: {
          requestId, entitlementId: it.entitlement.id, beneficiaryId, route: d.route, routeReasons: d.reasons, riskScore: it.risk.score,
          riskReasons: it.risk.reasons, peerShare: it.peerShare, sodConflicts: it.sod, durationDays,
          stages: d.stages.map((s) => ({ stage: s.stage, approverKind: s.approverKind, approverIds: s.approverIds })),
        },
      });
    }
    await recordAudit(tx, [
      {
        actorId, actorKind, action: "request.created", targetKind: "access_request", targetId: requestId,
        data: { beneficiaryId, requesterId: actorId, channel: input.channel, originalText: input.originalText ?? null, justification: input.justification, route: a.decision.route, items: created.map((c) => c.itemId),
          // Shadow mode (routing-policy.ts): what the shadow policy would have routed; it decided nothing.
          ...(a.shadow
            ? { shadowPolicyId: a.shadow.policyId, shadowRoute: a.shadow.decision.route, shadowItemRoutes: created.map((c, k) => ({ itemId: c.itemId, route: a.shadow!.decision.items[k]?.route ?? a.shadow!.decision.route })) }
            : {}),
        },
      },
      ...audits,
    ]);
    let operationIds: string[] = [];
    if (autoItems.length) {
      const g = await grantItems(tx, { requestId, beneficiaryId, justification: input.justification, actorId: null, now, items: autoItems });
      operationIds = g.plan.operationIds;
      await recordAudit(tx, {
        actorId: null, actorKind: "system", action: "request.granted", targetKind: "access_request", targetId: requestId,
        data: { grantIds: g.grantIds, items: autoItems.map((i) => i.id), operationIds, by: "routing policy (auto)" },
      });
    }
    if (beneficiaryId !== actorId)
      notices.push({ personId: beneficiaryId, kind: "request.filed", link: "/requests", title: `${ctx.actor.name} requested access for you`, body: created.map((c) => c.label).join(", ") });
    await notify(tx, notices);
    const status = await refreshRequestStatus(tx, requestId, now);
    return { requestId, status, items: created, operationIds, pendingSteps };
  });
  if (out.operationIds.length) wakeDispatcher();
  // After commit, never inside the transaction: tell the chat channel (if configured); failures are logged.
  const { pendingSteps, ...result } = out;
  if (pendingSteps.length) await postPendingApprovals(pendingSteps);
  return result;
}
