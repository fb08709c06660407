/**
 * listMyRequests: the requests the actor filed or receives (filtered in SQL), with each item's live state:
 * where it is in its approval stages, and for granted items what provisioning says (operations planned for the
 * request: not started / in progress / provisioned / failed). Polled by the My requests page.
 */
import { itemsOfRequests, operationsForRequests, requestsInvolving, stepsOfItems } from "@/db/queries/requests";
import { can } from "@/lib/auth/can";
import { provisioningStateOf, type ProvisioningState } from "@/lib/domain/request-risk";
import { ForbiddenError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export async function listMyRequests({ ctx }: { ctx: Ctx; input?: unknown }) {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError();
  const requests = await requestsInvolving(ctx.db, ctx.actor.personId);
  const ids = requests.map((r) => r.id);
  const [items, ops] = await Promise.all([itemsOfRequests(ctx.db, ids), operationsForRequests(ctx.db, ids)]);
  const steps = await stepsOfItems(ctx.db, items.map((i) => i.id));
  return requests.map((r) => ({
    ...r,
    items: items
      .filter((i) => i.requestId === r.id)
      .map((i) => {
        const granted = i.status === "approved" || i.status === "fulfilled" || i.status === "expired";
        const mine = ops.filter((o) => o.causeId === r.id && o.applicationId === i.applicationId && (o.entitlementId === i.entitlementId || o.kind === "create_account"));
        const itemSteps = steps.filter((s) => s.itemId === i.id);
        const current = itemSteps.filter((s) => s.status === "pending");
        return {
          ...i,
          steps: itemSteps,
          waitingOn: current.map((s) => ({ name: s.approverName, kind: s.approverKind, stage: s.stage, dueAt: s.dueAt })),
          provisioning: granted ? (provisioningStateOf(mine) as ProvisioningState) : null,
          provisioningError: mine.find((o) => o.status === "dead" || o.status === "failed")?.lastError ?? null,
        };
      }),
  }));
}
export type MyRequest = Awaited<ReturnType<typeof listMyRequests>>[number];
