/**
 * Shared writes of the request flow, always inside the caller's transaction: approved items become desired
 * grants (source "request", sourceRef = item id, expiresAt from the duration) and the planner writes their
 * operations in the same transaction; notifications go to the in-app list and the mail outbox.
 */
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accessRequestItems, accessRequests, grants, notifications } from "@/db/schema";
import { requestStatusOf, type ItemStatus } from "@/lib/domain/request-risk";
import { planPeople, type PlanResult } from "@/lib/services/provisioning/plan";

const DAY = 86_400_000;

export async function grantItems(
  tx: Queryable,
  a: { requestId: string; beneficiaryId: string; justification: string; actorId: string | null; now: Date; items: Array<{ id: string; entitlementId: string; durationDays: number | null }> },
): Promise<{ grantIds: string[]; plan: PlanResult }> {
  if (!a.items.length) return { grantIds: [], plan: { operationIds: [], planned: [], created: [], skipped: 0 } };
  const rows = await tx
    .insert(grants)
    .values(
      a.items.map((i) => ({
        personId: a.beneficiaryId,
        entitlementId: i.entitlementId,
        source: "request" as const,
        sourceRef: i.id,
        status: "active" as const,
        grantedById: a.actorId,
        grantedAt: a.now,
        expiresAt: i.durationDays ? new Date(a.now.getTime() + i.durationDays * DAY) : null,
        reason: a.justification || "Access request",
      })),
    )
    .returning({ id: grants.id });
  const plan = await planPeople(tx, [a.beneficiaryId], { kind: "request", id: a.requestId, actorId: a.actorId }, a.now);
  return { grantIds: rows.map((r) => r.id), plan };
}

/** Recompute and store a request's status from its items. */
export async function refreshRequestStatus(tx: Queryable, requestId: string, now: Date) {
  const items = await tx.select({ status: accessRequestItems.status }).from(accessRequestItems).where(eq(accessRequestItems.requestId, requestId));
  const status = requestStatusOf(items.map((i) => i.status as ItemStatus));
  await tx
    .update(accessRequests)
    .set({ status, decidedAt: status === "pending" ? null : now })
    .where(eq(accessRequests.id, requestId));
  return status;
}

export type Notice = { personId: string; kind: string; title: string; body: string; link: string };

/** One in-app notice and one mail-outbox row per recipient (the mailer sends the outbox when SMTP is configured). */
export async function notify(tx: Queryable, notices: Notice[]) {
  const seen = new Set<string>();
  const rows = notices.filter((n) => {
    const k = `${n.personId}|${n.kind}|${n.link}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (!rows.length) return;
  await tx.insert(notifications).values(rows.flatMap((n) => [{ ...n, channel: "in_app" as const }, { ...n, channel: "email" as const }]));
}
