/**
 * createSystem / updateSystem (admins): a connected system as configuration. The non-secret configuration and the
 * merged secrets are validated by the connector factory before anything is written; secrets are stored encrypted
 * and an update with an empty secret field keeps the stored value. One transaction: the row, the owners (when
 * given) and the audit event (field names only: which secrets changed, never their values).
 */
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { applicationOwners, applications, people, type Application } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { decryptSecrets, encryptSecrets } from "@/lib/crypto";
import { cleanAliases } from "@/lib/domain/nl/aliases";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { checkAliasClashes } from "@/lib/services/applications/set-aliases";
import { SAVED_KINDS, SYSTEM_KINDS, mergeSecrets, storedSecretsFor, toSystemView, validateSystem, type SystemView } from "./config";

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export const systemInput = z.object({
  key: z.string({ error: "Key is required" }).trim().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "Key must be 2-63 lower-case letters, digits or -"),
  name: z.string({ error: "Name is required" }).trim().min(1, "Name is required").max(200, "Name must be at most 200 characters"),
  description: z.string().max(2000).optional(),
  category: z.string().max(100).optional(),
  connectorKind: z.enum(SAVED_KINDS, { error: `Connector must be one of ${SYSTEM_KINDS.join(", ")}` }),
  config: z.record(z.string(), z.unknown()).default({}),
  secrets: z.record(z.string(), z.string().nullable().optional()).default({}),
  criticality: z.enum(["low", "medium", "high", "critical"], { error: "Criticality must be low, medium, high or critical" }).optional(),
  deprovisionAction: z.enum(["disable", "delete"], { error: "Deprovision action must be disable or delete" }).optional(),
  retentionDays: z.coerce.number({ error: "Retention must be a number of days" }).int().min(0, "Retention cannot be negative").max(3650, "Retention must be at most 3650 days").optional(),
  leaverPolicy: z.enum(["disable", "disable_and_remove_memberships"], { error: 'A leaver\'s memberships must be kept ("keep") or removed ("remove")' }).optional(),
  reconcilePolicy: z.enum(["report", "remediate"], { error: "Reconcile policy must be report or remediate" }).optional(),
  enabled: z.boolean().optional(),
  /** Other names people use for the application in plain-language requests (replaces the stored list when given). */
  aliases: z.array(z.string().max(100)).max(100).optional(),
  /** Emails of the owners (replaces the owner list when given). */
  owners: z.array(z.string().email("Owners are given by email")).optional(),
});
export type SystemInput = z.infer<typeof systemInput>;

export type AuditActor = { actorId: string | null; actorKind: "person" | "cli" | "system" };
export const auditActorOf = (ctx: Ctx): AuditActor => ({
  actorId: isUuid(ctx.actor.personId) ? ctx.actor.personId : null,
  actorKind: ctx.actor.personId === "system:cli" ? "cli" : ctx.actor.personId.startsWith("system:") ? "system" : "person",
});

export function parseSystemInput(raw: unknown): SystemInput {
  const r = systemInput.safeParse(raw);
  if (!r.success) {
    const fields = Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
    throw new ValidationError(r.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "), fields);
  }
  return r.data;
}

/** Validate and write one system in the caller's transaction (shared by the portal and `gatehouse apply`). */
export async function saveSystemTx(tx: Queryable, input: SystemInput, who: AuditActor, existingId?: string): Promise<{ view: SystemView; created: boolean; secretsChanged: string[] }> {
  const [existing] = existingId
    ? await tx.select().from(applications).where(eq(applications.id, existingId))
    : await tx.select().from(applications).where(eq(applications.key, input.key));
  if (existingId && !existing) throw new NotFoundError("No such system.");
  if (input.connectorKind === "demo" && existing?.connectorKind !== "demo") {
    throw new ValidationError(`Connector must be one of ${SYSTEM_KINDS.join(", ")} (the demo connector belongs to the demo organisation's applications)`, { connectorKind: "Choose a connector" });
  }
  const [clash] = await tx.select({ id: applications.id }).from(applications).where(and(eq(applications.key, input.key), existing ? ne(applications.id, existing.id) : sql`true`));
  if (clash) throw new ConflictError(`Another system already uses the key "${input.key}".`);

  const saved = existing && existing.connectorKind === input.connectorKind ? decryptSecrets(existing.secretsEncrypted) : {};
  // A changed address (scheme+host+port) needs the secrets typed again: they never follow the URL elsewhere.
  const stored = existing ? storedSecretsFor(input.connectorKind, { config: existing.config, secrets: saved }, { config: input.config, incoming: input.secrets as Record<string, string | null | undefined> }) : saved;
  const { secrets, changed } = mergeSecrets(input.connectorKind, stored, input.secrets as Record<string, string | null | undefined>);
  await validateSystem(input.connectorKind, input.config, secrets);

  let ownerIds: string[] | undefined;
  if (input.owners) {
    const emails = [...new Set(input.owners.map((e) => e.toLowerCase()))];
    const rows = emails.length ? await tx.select({ id: people.id, email: people.email }).from(people).where(inArray(sql`lower(${people.email})`, emails)) : [];
    const missing = emails.filter((e) => !rows.some((r) => r.email.toLowerCase() === e));
    if (missing.length) throw new ValidationError(`No person with the email ${missing.join(", ")} (owners must be people in Gatehouse)`, { owners: "Unknown owner" });
    ownerIds = rows.map((r) => r.id);
  }

  const aliases = input.aliases !== undefined ? cleanAliases(input.aliases) : undefined;
  if (aliases) await checkAliasClashes(tx, existing?.id ?? null, aliases);
  const now = new Date();
  const values = {
    key: input.key,
    name: input.name,
    connectorKind: input.connectorKind,
    config: input.config,
    secretsEncrypted: Object.keys(secrets).length ? encryptSecrets(secrets) : null,
    updatedAt: now,
    ...(input.description !== undefined && { description: input.description }),
    ...(input.category !== undefined && { category: input.category }),
    ...(input.criticality && { criticality: input.criticality }),
    ...(input.deprovisionAction && { deprovisionAction: input.deprovisionAction }),
    ...(input.retentionDays !== undefined && { retentionDays: input.retentionDays }),
    ...(input.leaverPolicy && { leaverPolicy: input.leaverPolicy }),
    ...(input.reconcilePolicy && { reconcilePolicy: input.reconcilePolicy }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    ...(aliases !== undefined && { aliases }),
  };
  let row: Application;
  if (existing) {
    [row] = (await tx.update(applications).set(values).where(eq(applications.id, existing.id)).returning()) as [Application];
  } else {
    [row] = (await tx.insert(applications).values(values).returning()) as [Application];
  }
  if (ownerIds) {
    await tx.delete(applicationOwners).where(eq(applicationOwners.applicationId, row.id));
    if (ownerIds.length) await tx.insert(applicationOwners).values(ownerIds.map((personId) => ({ applicationId: row.id, personId })));
  }
  await recordAudit(tx, {
    ...who,
    action: existing ? "system.updated" : "system.created",
    targetKind: "application",
    targetId: row.id,
    data: {
      key: row.key,
      name: row.name,
      connectorKind: row.connectorKind,
      config: row.config,
      secretsChanged: changed,
      secretsSet: Object.keys(secrets).sort(),
      criticality: row.criticality,
      deprovision: { action: row.deprovisionAction, retentionDays: row.retentionDays, leaverPolicy: row.leaverPolicy },
      reconcilePolicy: row.reconcilePolicy,
      ...(aliases !== undefined && { aliases: row.aliases }),
      ...(ownerIds && { owners: ownerIds }),
    },
  });
  return { view: toSystemView(row), created: !existing, secretsChanged: changed };
}

export async function createSystem({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SystemView> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can configure connected systems.");
  const data = parseSystemInput(input);
  return ctx.db.transaction(async (tx) => {
    const [dup] = await tx.select({ id: applications.id }).from(applications).where(eq(applications.key, data.key));
    if (dup) throw new ConflictError(`A system with the key "${data.key}" already exists.`);
    return (await saveSystemTx(tx, data, auditActorOf(ctx))).view;
  });
}

export async function updateSystem({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SystemView> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can configure connected systems.");
  const raw = (input ?? {}) as { id?: unknown };
  const id = typeof raw.id === "string" && isUuid(raw.id) ? raw.id : null;
  if (!id) throw new NotFoundError("No such system.");
  const data = parseSystemInput(input);
  return ctx.db.transaction(async (tx) => (await saveSystemTx(tx, data, auditActorOf(ctx), id)).view);
}
