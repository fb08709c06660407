/**
 * Entitlement metadata (description, owner, privileged, sensitivity, requestable, maximum duration): discovery
 * creates entitlements from the target's groups with defaults; admins complete them on the application page or in
 * the apply file (docs/systems-file.md). Discovery never overwrites these fields (it only fills an empty description).
 *
 * `applyEntitlementMeta` runs in the caller's transaction for one application: resolves every externalId and owner
 * email first (an unknown one is a ValidationError naming it, nothing written), then, when `write`, updates the rows
 * that change and audits each. Returns "externalId: field a → b" lines (the apply file's plan and --dry-run output).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { entitlements, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { auditActorOf } from "@/lib/services/systems/save-system";

export const entitlementMetaSchema = z
  .object({
    externalId: z.string().min(1).max(1000),
    description: z.string().max(2000).optional(),
    owner: z.string().email().nullable().optional(),
    privileged: z.boolean().optional(),
    sensitivity: z.enum(["low", "medium", "high", "critical"]).optional(),
    requestable: z.boolean().optional(),
    maxDurationDays: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .strict();
export type EntitlementMeta = z.infer<typeof entitlementMetaSchema>;

type Who = { actorId: string | null; actorKind: "person" | "system" | "cli" };

export async function applyEntitlementMeta(tx: Queryable, app: { id: string; key: string }, metas: EntitlementMeta[], opts: { write: boolean; who: Who }): Promise<string[]> {
  if (metas.length === 0) return [];
  const rows = await tx.select().from(entitlements).where(and(eq(entitlements.applicationId, app.id), inArray(entitlements.externalId, metas.map((m) => m.externalId))));
  const byExt = new Map(rows.map((r) => [r.externalId, r]));
  const missing = metas.filter((m) => !byExt.has(m.externalId)).map((m) => `"${m.externalId}"`);
  if (missing.length) throw new ValidationError(`${app.key}: unknown entitlement ${missing.join(", ")} (run \`gatehouse reconcile --app ${app.key}\` to discover the system's groups first)`);
  const emails = [...new Set(metas.map((m) => m.owner?.toLowerCase()).filter((e): e is string => Boolean(e)))];
  const owners = new Map<string, { id: string; email: string }>();
  if (emails.length) {
    for (const p of await tx.select({ id: people.id, email: people.email }).from(people).where(inArray(sql`lower(${people.email})`, emails))) owners.set(p.email.toLowerCase(), p);
  }
  const unknownOwners = emails.filter((e) => !owners.has(e));
  if (unknownOwners.length) throw new ValidationError(`${app.key}: unknown entitlement owner ${unknownOwners.join(", ")} (no person with that email)`);
  const ownerEmail = new Map([...owners.values()].map((p) => [p.id, p.email]));
  const lines: string[] = [];
  for (const m of metas) {
    const r = byExt.get(m.externalId)!;
    const set: Partial<typeof entitlements.$inferInsert> = {};
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    const field = <K extends "description" | "privileged" | "sensitivity" | "requestable" | "maxDurationDays">(k: K, v: (typeof r)[K] | undefined) => {
      if (v === undefined || r[k] === v) return;
      (set as Record<string, unknown>)[k] = v;
      diff[k] = { from: r[k], to: v };
    };
    field("description", m.description);
    field("privileged", m.privileged);
    field("sensitivity", m.sensitivity);
    field("requestable", m.requestable);
    field("maxDurationDays", m.maxDurationDays);
    if (m.owner !== undefined) {
      const to = m.owner ? owners.get(m.owner.toLowerCase())!.id : null;
      if (to !== r.ownerId) {
        set.ownerId = to;
        diff.owner = { from: r.ownerId ? (ownerEmail.get(r.ownerId) ?? r.ownerId) : null, to: m.owner ?? null };
      }
    }
    const keys = Object.keys(diff);
    if (keys.length === 0) continue;
    lines.push(`${m.externalId}: ${keys.map((k) => `${k} ${JSON.stringify(diff[k]!.from)} → ${JSON.stringify(diff[k]!.to)}`).join(", ")}`);
    if (!opts.write) continue;
    await tx.update(entitlements).set(set).where(eq(entitlements.id, r.id));
    await recordAudit(tx, { ...opts.who, action: "entitlement.updated", targetKind: "entitlement", targetId: r.id, data: { application: app.key, externalId: r.externalId, changes: diff } });
  }
  return lines;
}

const pageInput = z.object({
  applicationId: z.string().uuid(),
  entitlementId: z.string().uuid(),
  description: z.string().trim().max(2000),
  owner: z.string().trim().email("Owner: an email address").or(z.literal("")),
  privileged: z.boolean(),
  sensitivity: z.enum(["low", "medium", "high", "critical"]),
  requestable: z.boolean(),
});

/** The application page's form: admins edit one entitlement's metadata. */
export async function updateEntitlement({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ changes: string[] }> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can edit entitlements.");
  const parsed = pageInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid entitlement");
  const d = parsed.data;
  return ctx.db.transaction(async (tx) => {
    const [e] = await tx
      .select({ externalId: entitlements.externalId, key: sql<string>`(SELECT key FROM applications a WHERE a.id = ${entitlements.applicationId})` })
      .from(entitlements)
      .where(and(eq(entitlements.id, d.entitlementId), eq(entitlements.applicationId, d.applicationId)));
    if (!e) throw new NotFoundError("No such entitlement.");
    const changes = await applyEntitlementMeta(
      tx,
      { id: d.applicationId, key: e.key },
      [{ externalId: e.externalId, description: d.description, owner: d.owner || null, privileged: d.privileged, sensitivity: d.sensitivity, requestable: d.requestable }],
      { write: true, who: auditActorOf(ctx) },
    );
    return { changes };
  });
}
