/**
 * Roles mined from the live organisation → DRAFT role templates with EXACTLY the mined role's entitlements.
 *
 * The client names only the mining job and the mined role ids (and optionally a new name); the entitlements
 * are read from the stored job result on the server, so a draft can neither gain, lose nor swap an
 * entitlement (no application is ever widened or narrowed to some other level of its catalogue). Entitlements
 * removed from the catalogue since the run are reported as `missing` and left out, never replaced. Each created
 * draft lists, per entitlement, what it includes (application, entitlement, level).
 * Never published here: publishing goes through the blast-radius preview on the role's admin page. One
 * transaction with its audit event (admins only).
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { applications, entitlements, jobs, roleEntitlements, roleTemplates } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import type { MiningResult } from "./mine-organisation";

export const draftsFromMinedInput = z.object({
  jobId: z.string().uuid("Choose a mining run"),
  roles: z
    .array(z.object({ roleId: z.string().regex(/^R\d{1,6}$/, "Unknown mined role"), name: z.string().trim().min(1).max(120).optional() }))
    .min(1, "Choose at least one role")
    .max(200),
});

export type DraftedRole = {
  id: string;
  name: string;
  minedRoleId: string;
  entitlements: number;
  included: Array<{ id: string; application: string; name: string; level: string }>;
  missing: string[];
};

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "role";

export async function draftsFromMined({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DraftedRole[]> {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins can create role templates.");
  const p = draftsFromMinedInput.safeParse(input);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid roles");
  const [job] = await ctx.db.select({ status: jobs.status, result: jobs.result }).from(jobs).where(and(eq(jobs.id, p.data.jobId), eq(jobs.kind, "mining")));
  if (!job) throw new NotFoundError("No such mining run.");
  if (job.status !== "succeeded" || !job.result) throw new ConflictError("This mining run has no result to draft from.");
  const result = job.result as MiningResult;
  const byId = new Map(result.roles.map((r) => [r.id, r]));
  const picked = p.data.roles.map((r) => {
    const mined = byId.get(r.roleId);
    if (!mined) throw new ValidationError(`The mining run has no role ${r.roleId}.`);
    return { mined, name: r.name ?? mined.name ?? `Mined role ${mined.id}` };
  });
  const wanted = [...new Set(picked.flatMap((x) => x.mined.entitlements.map((e) => e.id)))];
  const stamp = Date.now().toString(36);
  return ctx.db.transaction(async (tx) => {
    const known = new Map(
      (await tx
        .select({ id: entitlements.id, name: entitlements.name, level: entitlements.level, application: applications.name })
        .from(entitlements)
        .innerJoin(applications, eq(applications.id, entitlements.applicationId))
        .where(inArray(entitlements.id, wanted))).map((e) => [e.id, e]),
    );
    const created: DraftedRole[] = [];
    for (const [i, { mined, name }] of picked.entries()) {
      const ids = [...new Set(mined.entitlements.map((e) => e.id))];
      const present = ids.filter((id) => known.has(id));
      const missing = mined.entitlements.filter((e) => !known.has(e.id)).map((e) => `${e.application} · ${e.name}`);
      const how = result.mode === "approximate" ? `approximate mining (${Math.round(result.target * 100)}% coverage)` : "exact mining";
      const description = `Drafted from mined role ${mined.id} "${mined.name ?? mined.id}" (${how}, ${mined.members} members; ${mined.naming?.why ?? ""}). Exactly the ${present.length} entitlement(s) its members all hold.`.slice(0, 2000);
      const [t] = await tx
        .insert(roleTemplates)
        .values({ key: `${slug(name)}-${stamp}-${i}`, name, status: "draft", origin: "mined:organisation", description })
        .returning({ id: roleTemplates.id });
      if (present.length) await tx.insert(roleEntitlements).values(present.map((entitlementId) => ({ roleId: t!.id, entitlementId, level: known.get(entitlementId)!.level })));
      const included = present
        .map((id) => ({ id, application: known.get(id)!.application, name: known.get(id)!.name, level: known.get(id)!.level }))
        .sort((a, b) => a.application.localeCompare(b.application) || a.name.localeCompare(b.name));
      created.push({ id: t!.id, name, minedRoleId: mined.id, entitlements: present.length, included, missing });
    }
    await recordAudit(tx, {
      actorId: ctx.actor.personId, actorKind: "person", action: "role.drafts_created", targetKind: "role_template", targetId: null,
      data: { origin: "mined:organisation", jobId: p.data.jobId, mode: result.mode, roles: created.map((c) => ({ id: c.id, name: c.name, minedRoleId: c.minedRoleId, entitlementIds: c.included.map((e) => e.id), missing: c.missing })) },
    });
    return created;
  });
}
