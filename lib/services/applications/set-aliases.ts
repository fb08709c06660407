/**
 * setApplicationAliases (admins): the other names people use for an application in plain-language requests
 * ("gh", "the wiki"). Cleaned (lower-case, 2-40 characters, no duplicates, at most 30); an alias another
 * application already answers to (its name, key or stored alias) is refused so a request never reads two ways.
 * One transaction with its audit event (from → to). The built-in aliases (lib/domain/nl/aliases.ts) apply on top.
 */
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { applications } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { cleanAliases } from "@/lib/domain/nl/aliases";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { auditActorOf } from "@/lib/services/systems/save-system";

export const aliasesInput = z.object({
  applicationId: z.string().uuid("No such application"),
  /** A list, or one string of comma-separated aliases as typed in the form. */
  aliases: z.union([z.array(z.string().max(100)).max(100), z.string().max(2000)]),
});

export function aliasList(v: string[] | string): string[] {
  return cleanAliases(Array.isArray(v) ? v : v.split(/[,;\n]/));
}

/** Refuse aliases another application answers to (shared by the portal and `gatehouse apply`). */
export async function checkAliasClashes(tx: Queryable, applicationId: string | null, aliases: string[]): Promise<void> {
  if (!aliases.length) return;
  const others = await tx
    .select({ key: applications.key, name: applications.name, aliases: applications.aliases })
    .from(applications)
    .where(applicationId ? ne(applications.id, applicationId) : undefined);
  for (const a of aliases) {
    const o = others.find((x) => x.key.toLowerCase() === a || x.name.toLowerCase() === a || x.aliases.includes(a));
    if (o) throw new ValidationError(`"${a}" already names ${o.name}; an alias must point at one application.`, { aliases: `"${a}" already names ${o.name}` });
  }
}

export async function setApplicationAliases({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ aliases: string[] }> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can edit application aliases.");
  const parsed = aliasesInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Check the aliases.");
  const next = aliasList(parsed.data.aliases);
  return ctx.db.transaction(async (tx) => {
    const [app] = await tx.select({ id: applications.id, aliases: applications.aliases }).from(applications).where(eq(applications.id, parsed.data.applicationId));
    if (!app) throw new NotFoundError("No such application.");
    await checkAliasClashes(tx, app.id, next);
    await tx.update(applications).set({ aliases: next, updatedAt: new Date() }).where(and(eq(applications.id, app.id)));
    await recordAudit(tx, { ...auditActorOf(ctx), action: "application.aliases_updated", targetKind: "application", targetId: app.id, data: { from: app.aliases, to: next } });
    return { aliases: next };
  });
}
