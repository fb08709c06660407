import { countPendingFor } from "@/db/queries/requests";
import { can } from "@/lib/auth/can";
import type { Ctx } from "@/lib/services/context";

/** How many approvals wait for the actor (for the navigation badge): one indexed count. */
export async function countPendingApprovals({ ctx }: { ctx: Ctx; input?: unknown }): Promise<number> {
  if (!can(ctx.actor, "request.view")) return 0;
  return countPendingFor(ctx.db, ctx.actor.personId);
}
