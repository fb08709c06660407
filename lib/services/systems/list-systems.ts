/** listSystems / getSystem (admins): the read model of connected systems with their health. Never secret values. */
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { driftFindingCounts } from "@/db/queries/drift";
import { applicationHealth, systemHealth, type SystemHealth } from "@/db/queries/system-health";
import { applicationOwners, applications, circuitBreakers, people } from "@/db/schema";
import { can } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { toSystemView, type SystemView } from "./config";

export type SystemWithHealth = SystemView & {
  health: SystemHealth | null;
  /** Live drift findings (open) and accepted exceptions, from the last reconciles. */
  drift?: { open: number; accepted: number };
  /** Its circuit breaker is open: provisioning paused while a probe checks it. */
  paused?: boolean;
};

export async function listSystems({ ctx }: { ctx: Ctx }): Promise<SystemWithHealth[]> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can see connected systems' configuration.");
  const [rows, health, drift, open] = await Promise.all([
    ctx.db.select().from(applications).orderBy(asc(applications.name)),
    systemHealth(ctx.db),
    driftFindingCounts(ctx.db),
    ctx.db.select({ id: circuitBreakers.applicationId }).from(circuitBreakers).where(eq(circuitBreakers.state, "open")),
  ]);
  const paused = new Set(open.map((o) => o.id));
  return rows.map((r) => ({ ...toSystemView(r), health: health.get(r.id) ?? null, drift: drift.get(r.id) ?? { open: 0, accepted: 0 }, paused: paused.has(r.id) }));
}

export async function getSystem({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SystemWithHealth & { owners: Array<{ id: string; displayName: string; email: string }> }> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can see connected systems' configuration.");
  const p = z.object({ id: z.string().uuid() }).safeParse(input);
  if (!p.success) throw new NotFoundError("No such system.");
  const [row] = await ctx.db.select().from(applications).where(eq(applications.id, p.data.id));
  if (!row) throw new NotFoundError("No such system.");
  const [health, owners] = await Promise.all([
    applicationHealth(ctx.db, row.id),
    ctx.db.select({ id: people.id, displayName: people.displayName, email: people.email }).from(applicationOwners).innerJoin(people, eq(people.id, applicationOwners.personId)).where(eq(applicationOwners.applicationId, row.id)),
  ]);
  return { ...toSystemView(row), health, owners };
}
