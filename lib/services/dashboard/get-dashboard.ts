import { can } from "@/lib/auth/can";
import { findingCounts, plantedCounts } from "@/db/queries/findings";
import { personAccess } from "@/db/queries/people";
import { orgFigures } from "@/db/queries/stats";
import { pendingWork } from "@/db/queries/work";
import type { Ctx } from "@/lib/services/context";

/** The dashboard: my access and my pending work for everyone; org figures for admins, security, auditors. */
export async function getDashboard({ ctx }: { ctx: Ctx; input?: unknown }) {
  const [mine, work] = await Promise.all([personAccess(ctx.db, ctx.actor.personId), pendingWork(ctx.db, ctx.actor.personId)]);
  let org: (Awaited<ReturnType<typeof orgFigures>> & { findings: Awaited<ReturnType<typeof findingCounts>>; planted: Record<string, number> | null }) | null = null;
  if (can(ctx.actor, "dashboard.org")) {
    const [figures, findings, planted] = await Promise.all([orgFigures(ctx.db), findingCounts(ctx.db), plantedCounts(ctx.db)]);
    org = { ...figures, findings, planted };
  }
  return { mine, work, org };
}
