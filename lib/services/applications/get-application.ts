import { z } from "zod";
import { can } from "@/lib/auth/can";
import { applicationAccounts, getApplication } from "@/db/queries/applications";
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
  const [accounts, health] = mayViewAccounts ? await Promise.all([applicationAccounts(ctx.db, id, page, 50, status), applicationHealth(ctx.db, id)]) : [null, null];
  return { ...data, accounts, health, page, status, mayViewAccounts };
}
