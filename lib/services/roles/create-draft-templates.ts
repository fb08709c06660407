/**
 * Mined roles → DRAFT role templates (never published here: publishing goes through the
 * blast-radius preview). Names found in an uploaded file ("Slack", or "GitHub:Maintainer")
 * are matched to the catalogue case-insensitively. An application named alone maps to its
 * entitlement only when it has exactly one; with several, nothing is guessed (no "lowest level"
 * default): it is returned as `ambiguous` with the entitlements to choose from, and left out.
 * Unmatched names are returned too. Each draft lists what it includes, per entitlement.
 */
import { z } from "zod";
import { catalogForMatching } from "@/db/queries/roles";
import { roleEntitlements, roleTemplates } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";

export type CsvDraft = {
  id: string;
  name: string;
  entitlements: number;
  included: Array<{ id: string; permission: string; application: string; name: string; level: string }>;
  unmatched: string[];
  ambiguous: Array<{ permission: string; choices: string[] }>;
};
import type { Ctx } from "@/lib/services/context";

export const draftTemplatesInput = z.object({
  roles: z.array(z.object({ name: z.string().trim().min(1).max(120), permissions: z.array(z.string().max(300)).min(1).max(500) })).min(1).max(200),
  origin: z.string().max(100).default("mined:csv"),
});

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

export async function createDraftTemplates({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins can create role templates.");
  const parsed = draftTemplatesInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid roles");
  const { apps, ents } = await catalogForMatching(ctx.db);
  const appBy = new Map<string, (typeof apps)[number]>();
  for (const a of apps) {
    appBy.set(norm(a.name), a);
    appBy.set(norm(a.key), a);
  }
  const created: CsvDraft[] = [];
  await ctx.db.transaction(async (tx) => {
    for (const role of parsed.data.roles) {
      const entIds = new Set<string>();
      const included: CsvDraft["included"] = [];
      const unmatched: string[] = [];
      const ambiguous: CsvDraft["ambiguous"] = [];
      for (const p of role.permissions) {
        const [appName, entName] = p.includes(":") ? [p.slice(0, p.indexOf(":")), p.slice(p.indexOf(":") + 1)] : [p, ""];
        const app = appBy.get(norm(appName));
        const candidates = app ? ents.filter((e) => e.applicationId === app.id) : [];
        if (!entName && candidates.length > 1) {
          ambiguous.push({ permission: p, choices: candidates.map((e) => `${e.name} (${e.level})`) });
          continue;
        }
        const ent = entName ? candidates.find((e) => norm(e.name) === norm(entName) || norm(e.externalId) === norm(entName)) : candidates[0];
        if (!ent) {
          unmatched.push(p);
          continue;
        }
        if (entIds.has(ent.id)) continue;
        entIds.add(ent.id);
        included.push({ id: ent.id, permission: p, application: app!.name, name: ent.name, level: ent.level });
      }
      const key = `${norm(role.name).slice(0, 40)}-${Date.now().toString(36)}-${created.length}`;
      const [t] = await tx
        .insert(roleTemplates)
        .values({ key, name: role.name, status: "draft", origin: parsed.data.origin, description: `Drafted from role mining (${parsed.data.origin}).` })
        .returning({ id: roleTemplates.id });
      if (entIds.size) await tx.insert(roleEntitlements).values([...entIds].map((entitlementId) => ({ roleId: t.id, entitlementId })));
      created.push({ id: t.id, name: role.name, entitlements: entIds.size, included, unmatched, ambiguous });
    }
    await recordAudit(tx, {
      actorId: ctx.actor.personId, actorKind: "person", action: "role.drafts_created", targetKind: "role_template", targetId: null,
      data: { origin: parsed.data.origin, roles: created.map((c) => ({ id: c.id, name: c.name, entitlementIds: c.included.map((e) => e.id), unmatched: c.unmatched, ambiguous: c.ambiguous.map((a) => a.permission) })) },
    });
  });
  return created;
}
