import { eq } from "drizzle-orm";
import { z } from "zod";
import { applications } from "@/db/schema";
import { can, has } from "@/lib/auth/can";
import { applicationAccounts, getApplication } from "@/db/queries/applications";
import { liveDriftFindings } from "@/db/queries/drift";
import { applicationHealth } from "@/db/queries/system-health";
import { NotFoundError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

const input = z.object({
  id: z.string().uuid(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  status: z.enum(["pending", "active", "disabled", "deleted"]).optional().or(z.literal("").transform(() => undefined)),
});

/**
 * Application page: entitlements (the catalogue, visible to everyone signed in); owners;
 * accounts only for its owners, admins, security and auditors.
 */
export async function getApplicationPage({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw new NotFoundError("No such application.");
  const { id, page, status } = parsed.data;
  if (!can(ctx.actor, "application.view", { kind: "application", applicationId: id })) throw new NotFoundError("No such application.");
  const data = await getApplication(ctx.db, id);
  if (!data) throw new NotFoundError("No such application.");
  const mayViewAccounts = can(ctx.actor, "application.viewAccounts", { kind: "application", applicationId: id });
  const [accounts, health, drift] = mayViewAccounts
    ? await Promise.all([applicationAccounts(ctx.db, id, page, 50, status), applicationHealth(ctx.db, id), liveDriftFindings(ctx.db, { applicationId: id })])
    : [null, null, null];
  const mayConfigure = can(ctx.actor, "application.configure");
  // Usage files: admins and the application's owners (importUsage checks ownership again in SQL).
  const mayImportUsage = !ctx.actor.agent && (has(ctx.actor, "admin") || data.owners.some((o) => o.id === ctx.actor.personId));
  // Where the system's last sign-ins come from (a non-secret setting), shown beside the usage upload.
  const [cfg] = mayImportUsage ? await ctx.db.select({ config: applications.config }).from(applications).where(eq(applications.id, id)) : [];
  const lastLoginAttribute = typeof cfg?.config.lastLoginAttribute === "string" ? cfg.config.lastLoginAttribute : null;
  return { ...data, accounts, health, drift, page, status, mayViewAccounts, mayConfigure, mayAcceptDrift: mayConfigure, mayImportUsage, lastLoginAttribute };
}
