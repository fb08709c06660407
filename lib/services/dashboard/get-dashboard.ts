import { can } from "@/lib/auth/can";
import { personAccess } from "@/db/queries/people";
import { pendingWork } from "@/db/queries/work";
import type { Ctx } from "@/lib/services/context";
import { orgSnapshot, type OrgSnapshot } from "./org-snapshot";

/** The dashboard: my access and my pending work for everyone; org figures for admins, security, auditors. */
export async function getDashboard({ ctx, input }: { ctx: Ctx; input?: { fresh?: boolean } }) {
  const [mine, work] = await Promise.all([personAccess(ctx.db, ctx.actor.personId), pendingWork(ctx.db, ctx.actor.personId)]);
  let org: OrgSnapshot | null = null;
  if (can(ctx.actor, "dashboard.org")) org = await orgSnapshot(ctx.db, { fresh: input?.fresh });
  return { mine, work, org };
}
