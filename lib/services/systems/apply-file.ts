/**
 * applySystemsFile (admins; `gatehouse apply -f FILE`): make the connected systems what a JSON file says.
 *
 * File: { "systems": [ { key, name, connector, config, secrets, criticality, deprovision: { action, retentionDays, memberships },
 * description?, reconcilePolicy?, enabled?, owners? } ] } (docs/systems-file.md). A secret value "env:NAME" is read
 * from the environment map the caller passes (the CLI passes its process environment), so files hold no secrets.
 *
 * All-or-nothing: every entry is resolved and validated first (connector factory schemas), then all are written in
 * one transaction. The plan (also the --dry-run output) says create / update (with the changed fields) / unchanged
 * per system, and per secret field "changed" / "unchanged" — never a value. Systems absent from the file are left
 * alone (the file is not a full inventory).
 *
 * Roles (optional, same file): { "roles": [ { key, name, description?, status: "draft"|"published",
 * entitlements: ["<appKey>:<entitlementExternalId>"], rules: [ { name, conditions: [ { attribute, op, value } ] } ] } ] }.
 * A role in the file is authoritative for its entitlements and rules (rules are matched by name; a rule missing from
 * the file is deleted); roles absent from the file are left alone. The role part runs in one transaction: each
 * role's change is cut into the steps the role editor knows (publish, add/remove entitlement, rule conditions, rule
 * enabled) and each step's blast radius is computed with computeRoleChangePreview on the state the previous steps
 * left, then written; afterwards the birthright grants of everyone affected are re-synced (losses keep the mover
 * overlap) and their operations planned, with one audit event per changed role. --dry-run does exactly that and
 * rolls the transaction back, so its figures are what applying would do (operations counted by kind, revokes
 * included). Entitlements must already exist (discovered by `gatehouse reconcile`); an unknown reference stops the
 * whole file.
 *
 * Entitlement metadata (same file, per system): "entitlements": [ { externalId, description?, owner? (email),
 * privileged?, sensitivity?, requestable?, maxDurationDays? } ] updates discovered entitlements (an unknown externalId
 * stops the file). Mass-change guard: when the roles part would remove more access than the thresholds allow, it is
 * held (the systems part is still applied) until an admin releases it (Admin → Held runs).
 */
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { applicationOwners, applications, birthrightRules, entitlements, people, roleEntitlements, roleTemplates } from "@/db/schema";
import { canonical, recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { decryptSecrets } from "@/lib/crypto";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import type { Ctx } from "@/lib/services/context";
import { assessRemovals, countKinds, HoldRun, holdRun, removalsOfPlan, type Removal } from "@/lib/services/guard/mass-change";
import { planPeople } from "@/lib/services/provisioning/plan";
import { applyTemplateGrants, type TemplateGrantChange } from "@/lib/services/access/template-grants";
import { computeRoleChangePreview, conditionSchema, writeRoleChange, type RoleChange, type RoleChangePreview } from "@/lib/services/roles/preview-change";
import { applyEntitlementMeta, entitlementMetaSchema, type EntitlementMeta } from "@/lib/services/applications/update-entitlement";
import { cleanAliases } from "@/lib/domain/nl/aliases";
import { SECRET_FIELDS, validateSystem } from "./config";
import { auditActorOf, parseSystemInput, saveSystemTx, type SystemInput } from "./save-system";

const entry = z
  .object({
    key: z.string(),
    name: z.string(),
    connector: z.string(),
    description: z.string().optional(),
    category: z.string().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    secrets: z.record(z.string(), z.string()).optional(),
    criticality: z.string().optional(),
    deprovision: z.object({ action: z.string().optional(), retentionDays: z.number().optional(), memberships: z.string().optional() }).optional(),
    reconcilePolicy: z.string().optional(),
    enabled: z.boolean().optional(),
    owners: z.array(z.string()).optional(),
    entitlements: z.array(entitlementMetaSchema).max(5000).optional(),
    aliases: z.array(z.string()).optional(),
  })
  .strict();
const roleEntry = z
  .object({
    key: z.string().trim().min(1).max(100),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    status: z.enum(["draft", "published"]),
    entitlements: z.array(z.string().regex(/^[^:]+:.+$/, 'an entitlement is "<appKey>:<entitlementExternalId>"')).max(500).default([]),
    rules: z.array(z.object({ name: z.string().trim().min(1).max(120), conditions: z.array(conditionSchema).max(20) }).strict()).max(50).default([]),
  })
  .strict();
export type RoleEntry = z.infer<typeof roleEntry>;
const file = z.object({ systems: z.array(entry).default([]), roles: z.array(roleEntry).default([]) }).strict();

export type SecretState = "changed" | "unchanged";
export type SystemPlan = { key: string; action: "create" | "update" | "unchanged"; changes: string[]; secrets: Record<string, SecretState>; warnings: string[] };

/** Parse the file text into validated inputs (env references resolved). Throws ValidationError naming the entry. */
export function parseSystemsFile(
  text: string,
  environment: Record<string, string | undefined>,
): { inputs: SystemInput[]; warnings: Map<string, string[]>; roles: RoleEntry[]; entitlementMeta: Map<string, EntitlementMeta[]> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`The systems file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const f = file.safeParse(json);
  if (!f.success) throw new ValidationError(`The systems file does not have the expected shape: ${f.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ")}`);
  const inputs: SystemInput[] = [];
  const warnings = new Map<string, string[]>();
  const entitlementMeta = new Map<string, EntitlementMeta[]>();
  const seen = new Set<string>();
  f.data.systems.forEach((s, n) => {
    const where = `systems[${n}] (${s.key})`;
    if (seen.has(s.key)) throw new ValidationError(`${where}: the key "${s.key}" appears twice`);
    seen.add(s.key);
    const w: string[] = [];
    const secrets: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.secrets ?? {})) {
      if (v.startsWith("env:")) {
        const name = v.slice(4);
        const val = environment[name];
        if (!val) throw new ValidationError(`${where}: secret "${k}" refers to the environment variable ${name}, which is not set`);
        secrets[k] = val;
      } else {
        w.push(`secret "${k}" is written in the file itself: prefer "env:NAME" so the file holds no secrets`);
        secrets[k] = v;
      }
    }
    try {
      inputs.push(
        parseSystemInput({
          key: s.key,
          name: s.name,
          description: s.description,
          category: s.category,
          connectorKind: s.connector,
          config: s.config ?? {},
          secrets,
          criticality: s.criticality,
          deprovisionAction: s.deprovision?.action,
          retentionDays: s.deprovision?.retentionDays,
          leaverPolicy: s.deprovision?.memberships === undefined ? undefined : s.deprovision.memberships === "keep" ? "disable" : s.deprovision.memberships === "remove" ? "disable_and_remove_memberships" : s.deprovision.memberships,
          reconcilePolicy: s.reconcilePolicy,
          enabled: s.enabled,
          owners: s.owners,
          aliases: s.aliases,
        }),
      );
    } catch (e) {
      throw new ValidationError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
    warnings.set(s.key, w);
    if (s.entitlements?.length) {
      const ext = new Set<string>();
      for (const e of s.entitlements) {
        if (ext.has(e.externalId)) throw new ValidationError(`${where}: the entitlement "${e.externalId}" appears twice`);
        ext.add(e.externalId);
      }
      entitlementMeta.set(s.key, s.entitlements);
    }
  });
  const roleKeys = new Set<string>();
  f.data.roles.forEach((r, n) => {
    const where = `roles[${n}] (${r.key})`;
    if (roleKeys.has(r.key)) throw new ValidationError(`${where}: the key "${r.key}" appears twice`);
    roleKeys.add(r.key);
    const names = new Set<string>();
    for (const rule of r.rules) {
      if (names.has(rule.name)) throw new ValidationError(`${where}: the rule "${rule.name}" appears twice`);
      names.add(rule.name);
    }
  });
  return { inputs, warnings, roles: f.data.roles, entitlementMeta };
}

/** The systems part only (kept for callers that know no roles); a file with roles is applied whole. */
export async function applySystemsFile({ ctx, input }: { ctx: Ctx; input: { text: string; environment: Record<string, string | undefined>; dryRun?: boolean } }): Promise<SystemPlan[]> {
  return (await applyConfigFile({ ctx, input })).systems;
}

export async function applyConfigFile({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { text: string; environment: Record<string, string | undefined>; dryRun?: boolean; moverOverlapDays?: number; now?: Date };
}): Promise<ConfigFilePlan> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can configure connected systems.");
  const { inputs, warnings, roles, entitlementMeta } = parseSystemsFile(input.text, input.environment);
  const who0 = auditActorOf(ctx);
  if (roles.length && !can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins can change roles and rules.");
  const keys = inputs.map((i) => i.key);
  const existing = keys.length ? await ctx.db.select().from(applications).where(inArray(applications.key, keys)) : [];
  const byKey = new Map(existing.map((a) => [a.key, a]));
  const ownerRows = existing.length
    ? await ctx.db.select({ applicationId: applicationOwners.applicationId, email: people.email }).from(applicationOwners).innerJoin(people, eq(people.id, applicationOwners.personId)).where(inArray(applicationOwners.applicationId, existing.map((a) => a.id)))
    : [];

  const plans: SystemPlan[] = [];
  for (const i of inputs) {
    const a = byKey.get(i.key);
    const stored = a && a.connectorKind === i.connectorKind ? decryptSecrets(a.secretsEncrypted) : {};
    const secrets: Record<string, SecretState> = {};
    const fields = SECRET_FIELDS[i.connectorKind];
    for (const k of Object.keys(i.secrets)) secrets[k] = fields.includes(k) && stored[k] === i.secrets[k] ? "unchanged" : "changed";
    // Validate now (stored secrets merged) so a bad entry stops the whole file before anything is written.
    const merged: Record<string, string> = {};
    for (const k of fields) if (stored[k]) merged[k] = stored[k]!;
    for (const [k, v] of Object.entries(i.secrets)) if (v) merged[k] = v;
    try {
      if (Object.keys(i.secrets).some((k) => !fields.includes(k))) throw new ValidationError(`unknown secret field for a ${i.connectorKind} system (expected ${fields.join(", ") || "none"})`);
      await validateSystem(i.connectorKind, i.config, merged);
    } catch (e) {
      throw new ValidationError(`${i.key}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const metas = entitlementMeta.get(i.key) ?? [];
    if (!a) {
      if (metas.length) throw new ValidationError(`${i.key}: entitlements can be described once the system exists and \`gatehouse reconcile --app ${i.key}\` has discovered them`);
      plans.push({ key: i.key, action: "create", changes: [], secrets, warnings: warnings.get(i.key) ?? [] });
      continue;
    }
    const changes: string[] = [];
    const cmp = (field: string, now: unknown, next: unknown) => {
      if (next !== undefined && canonical(now) !== canonical(next)) changes.push(field);
    };
    cmp("name", a.name, i.name);
    cmp("description", a.description, i.description);
    cmp("category", a.category, i.category);
    cmp("connector", a.connectorKind, i.connectorKind);
    cmp("config", a.config, i.config);
    cmp("criticality", a.criticality, i.criticality);
    cmp("deprovision.action", a.deprovisionAction, i.deprovisionAction);
    cmp("deprovision.retentionDays", a.retentionDays, i.retentionDays);
    cmp("deprovision.memberships", a.leaverPolicy, i.leaverPolicy);
    cmp("reconcilePolicy", a.reconcilePolicy, i.reconcilePolicy);
    cmp("enabled", a.enabled, i.enabled);
    if (i.aliases) cmp("aliases", [...a.aliases].sort(), cleanAliases(i.aliases).sort());
    if (i.owners) {
      const have = ownerRows.filter((o) => o.applicationId === a.id).map((o) => o.email.toLowerCase()).sort();
      cmp("owners", have, [...new Set(i.owners.map((e) => e.toLowerCase()))].sort());
    }
    for (const line of await applyEntitlementMeta(ctx.db, a, metas, { write: false, who: who0 })) changes.push(`entitlement ${line}`);
    const secretChanged = Object.values(secrets).includes("changed");
    plans.push({ key: i.key, action: changes.length || secretChanged ? "update" : "unchanged", changes, secrets, warnings: warnings.get(i.key) ?? [] });
  }
  const empty: ConfigFilePlan = { systems: plans, roles: [], access: { people: 0, added: 0, scheduledForRemoval: 0, ruleBacked: 0, operations: 0, byKind: {} }, held: null };
  if (input.dryRun && roles.length === 0) return empty;
  const who = auditActorOf(ctx);
  const now = input.now ?? new Date();
  try {
    const result = await ctx.db.transaction(async (tx) => {
      if (!input.dryRun) {
        for (const i of inputs) {
          const p = plans.find((x) => x.key === i.key)!;
          if (p.action === "unchanged") continue;
          await saveSystemTx(tx, i, who, byKey.get(i.key)?.id);
          const a = byKey.get(i.key);
          if (a) await applyEntitlementMeta(tx, a, entitlementMeta.get(i.key) ?? [], { write: true, who });
        }
      }
      const opts = { now, actorId: who.actorId, actorKind: who.actorKind, moverOverlapDays: input.moverOverlapDays ?? 7 };
      const out: ConfigFilePlan = roles.length ? { systems: plans, ...(await applyRolesGuarded(tx, roles, opts, { dryRun: input.dryRun === true, guard: true })) } : empty;
      if (input.dryRun) throw new RollbackRoles(out);
      return out;
    });
    if (result.access.operations > 0) {
      const { wakeDispatcher } = await import("@/lib/jobs/wake");
      wakeDispatcher();
    }
    return result;
  } catch (e) {
    if (e instanceof RollbackRoles) return e.plan;
    throw e;
  }
}

export type RoleImpact = {
  summary: string;
  gain: number;
  lose: number;
  entitlements: Array<{ entitlement: string; gain: number; lose: number; sampleGain: string[]; sampleLose: string[] }>;
  sod: Array<{ policy: string; severity: string; people: number; sample: string[] }>;
  people: number;
};
export type RolePlan = { key: string; action: "create" | "update" | "unchanged"; changes: string[]; impact: RoleImpact };
export type ConfigFilePlan = {
  systems: SystemPlan[];
  roles: RolePlan[];
  /** What re-syncing everyone affected did (exact; the dry run's figures come from the rolled-back run). */
  access: { people: number; added: number; scheduledForRemoval: number; ruleBacked: number; operations: number; byKind: Record<string, number> };
  /** The mass-change guard held the roles part (id; nothing of it applied) or, in a dry run, would hold it (id null). */
  held: { id: string | null; reasons: string[] } | null;
};

/**
 * The roles part in a savepoint: computed, judged by the mass-change guard, and either kept, rolled back and held
 * (the file's systems part still commits), or — dry run — reported with the guard's verdict.
 */
async function applyRolesGuarded(
  tx: Queryable,
  roles: RoleEntry[],
  opts: { now: Date; actorId: string | null; actorKind: "person" | "system" | "cli"; moverOverlapDays: number },
  mode: { dryRun: boolean; guard: boolean },
): Promise<Omit<ConfigFilePlan, "systems">> {
  try {
    return await tx.transaction(async (sp) => {
      const r = await applyRolesTx(sp, roles, opts);
      const verdict = await assessRemovals(sp, r.removals);
      const held = verdict.held ? { id: null, reasons: verdict.reasons } : null;
      if (verdict.held && mode.guard && !mode.dryRun) throw new HoldRun(verdict, r.removals, { added: r.access.added, scheduledForRemoval: r.access.scheduledForRemoval, operations: r.access.operations, ...r.access.byKind });
      return { roles: r.roles, access: r.access, held };
    });
  } catch (e) {
    if (!(e instanceof HoldRun)) throw e;
    const id = await holdRun(tx, { kind: "role.file", title: `Roles file: ${roles.map((r) => r.key).join(", ")}`, input: { roles, moverOverlapDays: opts.moverOverlapDays }, actorId: opts.actorId, actorKind: opts.actorKind, hold: e });
    return { roles: [], access: { people: 0, added: 0, scheduledForRemoval: 0, ruleBacked: 0, operations: 0, byKind: {} }, held: { id, reasons: e.verdict.reasons } };
  }
}

/** Release of a held roles file (guard/release.ts): the stored roles, applied now with the guard off. */
export async function applyHeldRoles(tx: Queryable, input: unknown, who: { actorId: string | null; actorKind: "person" | "system" | "cli" }, now: Date) {
  const parsed = z.object({ roles: z.array(roleEntry), moverOverlapDays: z.number().int().min(0).max(365).default(7) }).safeParse(input);
  if (!parsed.success) throw new ValidationError("The held roles file is no longer valid.");
  return applyRolesGuarded(tx, parsed.data.roles, { now, moverOverlapDays: parsed.data.moverOverlapDays, ...who }, { dryRun: false, guard: false });
}

class RollbackRoles extends Error {
  constructor(public readonly plan: ConfigFilePlan) {
    super("dry run");
  }
}

type RuleRow = typeof birthrightRules.$inferSelect;

/** Write the roles of the file, step by step with each step's blast radius, then re-sync and plan. */
async function applyRolesTx(
  tx: Queryable,
  roles: RoleEntry[],
  opts: { now: Date; actorId: string | null; actorKind: "person" | "system" | "cli"; moverOverlapDays: number },
): Promise<Omit<ConfigFilePlan, "systems" | "held"> & { removals: Removal[] }> {
  const { now } = opts;
  // Resolve every "<appKey>:<externalId>" first: an unknown one stops the file before anything is written.
  const refs = new Map<string, string>();
  const appKeys = [...new Set(roles.flatMap((r) => r.entitlements.map((e) => e.slice(0, e.indexOf(":")))))];
  if (appKeys.length) {
    const rows = await tx
      .select({ id: entitlements.id, externalId: entitlements.externalId, app: applications.key })
      .from(entitlements)
      .innerJoin(applications, eq(applications.id, entitlements.applicationId))
      .where(inArray(applications.key, appKeys));
    for (const r of rows) refs.set(`${r.app}:${r.externalId}`, r.id);
  }
  const label = new Map([...refs].map(([k, v]) => [v, k]));
  roles.forEach((r, n) => {
    const missing = r.entitlements.filter((e) => !refs.has(e));
    if (missing.length) throw new ValidationError(`roles[${n}] (${r.key}): unknown entitlement ${missing.map((m) => `"${m}"`).join(", ")} (expected "<appKey>:<externalId>" of a discovered entitlement)`);
  });

  const plans: RolePlan[] = [];
  const affected = new Set<string>();
  // Access given through a template itself (role grants), written step by step as each step's preview lists it.
  const viaTemplate: TemplateGrantChange[] = [];
  for (const r of roles) {
    const previews: RoleChangePreview[] = [];
    const step = async (change: RoleChange) => {
      const p = await computeRoleChangePreview(tx, change);
      previews.push(p);
      await writeRoleChange(tx, change, now);
      viaTemplate.push(...(await applyTemplateGrants(tx, p.templateBacked, { roleId: p.roleId, roleName: p.roleName, now, moverOverlapDays: opts.moverOverlapDays, actorId: opts.actorId })));
    };
    const wantEnts = new Set(r.entitlements.map((e) => refs.get(e)!));
    const changes: string[] = [];
    const [existing] = await tx.select().from(roleTemplates).where(eq(roleTemplates.key, r.key));
    let action: RolePlan["action"];
    if (!existing) {
      action = "create";
      // Created as a draft with everything in place (gives nothing yet); publishing is the one step with a radius.
      const [t] = await tx.insert(roleTemplates).values({ key: r.key, name: r.name, description: r.description ?? "", status: "draft", origin: "file" }).returning({ id: roleTemplates.id });
      if (wantEnts.size) await tx.insert(roleEntitlements).values([...wantEnts].map((e) => ({ roleId: t!.id, entitlementId: e })));
      if (r.rules.length) await tx.insert(birthrightRules).values(r.rules.map((x) => ({ name: x.name, roleId: t!.id, conditions: x.conditions as never })));
      if (r.status === "published") await step({ kind: "role.publish", roleId: t!.id });
    } else {
      const roleId = existing.id;
      if (existing.name !== r.name) changes.push("name");
      if (r.description !== undefined && existing.description !== r.description) changes.push("description");
      if (changes.length) await tx.update(roleTemplates).set({ name: r.name, ...(r.description !== undefined ? { description: r.description } : {}), updatedAt: now }).where(eq(roleTemplates.id, roleId));
      const haveEnts = new Set((await tx.select({ e: roleEntitlements.entitlementId }).from(roleEntitlements).where(eq(roleEntitlements.roleId, roleId))).map((x) => x.e));
      // Entitlements leaving the role may belong to systems the file does not name: label them too.
      const unlabelled = [...haveEnts].filter((e) => !label.has(e));
      if (unlabelled.length) {
        for (const x of await tx.select({ id: entitlements.id, externalId: entitlements.externalId, app: applications.key }).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId)).where(inArray(entitlements.id, unlabelled)))
          label.set(x.id, `${x.app}:${x.externalId}`);
      }
      const haveRules: RuleRow[] = await tx.select().from(birthrightRules).where(eq(birthrightRules.roleId, roleId));
      const wasPublished = existing.status === "published";
      if (wasPublished !== (r.status === "published")) changes.push(`status ${existing.status} → ${r.status}`);
      // Unpublishing: the loss is every enabled rule switched off; then the (draft) template keeps its rules.
      if (wasPublished && r.status === "draft") {
        const on = haveRules.filter((x) => x.enabled);
        for (const x of on) await step({ kind: "rule.enabled", ruleId: x.id, enabled: false });
        await tx.update(roleTemplates).set({ status: "draft", updatedAt: now }).where(eq(roleTemplates.id, roleId));
        if (on.length) await tx.update(birthrightRules).set({ enabled: true }).where(inArray(birthrightRules.id, on.map((x) => x.id)));
      }
      const live = r.status === "published" && wasPublished;
      // A draft's contents give nothing: they are written directly; a live role's go through the preview.
      const write = async (change: RoleChange) => (live ? step(change) : void (await writeRoleChange(tx, change, now)));
      for (const e of wantEnts) if (!haveEnts.has(e)) {
        changes.push(`+entitlement ${label.get(e)}`);
        await write({ kind: "role.addEntitlement", roleId, entitlementId: e });
      }
      for (const e of haveEnts) if (!wantEnts.has(e)) {
        changes.push(`-entitlement ${label.get(e) ?? e}`);
        await write({ kind: "role.removeEntitlement", roleId, entitlementId: e });
      }
      for (const x of haveRules) {
        const f = r.rules.find((y) => y.name === x.name);
        if (!f) {
          changes.push(`-rule ${x.name}`);
          if (x.enabled && live) await step({ kind: "rule.enabled", ruleId: x.id, enabled: false });
          await tx.delete(birthrightRules).where(eq(birthrightRules.id, x.id));
          continue;
        }
        if (canonical(x.conditions) !== canonical(f.conditions)) {
          changes.push(`~rule ${x.name}`);
          await write({ kind: "rule.conditions", ruleId: x.id, conditions: f.conditions });
        }
        if (!x.enabled) {
          changes.push(`~rule ${x.name} enabled`);
          await write({ kind: "rule.enabled", ruleId: x.id, enabled: true });
        }
      }
      for (const f of r.rules) {
        if (haveRules.some((x) => x.name === f.name)) continue;
        changes.push(`+rule ${f.name}`);
        const [nr] = await tx.insert(birthrightRules).values({ name: f.name, roleId, conditions: f.conditions as never, enabled: !live }).returning({ id: birthrightRules.id });
        if (live) await step({ kind: "rule.enabled", ruleId: nr!.id, enabled: true });
      }
      if (!wasPublished && r.status === "published") await step({ kind: "role.publish", roleId });
      action = changes.length ? "update" : "unchanged";
    }
    for (const p of previews) for (const id of p.affectedPersonIds) affected.add(id);
    plans.push({ key: r.key, action, changes, impact: mergeImpact(previews, label) });
  }

  const ids = [...affected];
  const synced = await syncBirthrightGrants(tx, ids, { now, moverOverlapDays: opts.moverOverlapDays, actorId: opts.actorId });
  const added = synced.reduce((s, c) => s + c.added.length, 0) + viaTemplate.reduce((s, c) => s + c.added.length, 0);
  const scheduledPairs = new Set([...synced, ...viaTemplate].flatMap((c) => c.scheduled.map((e) => `${c.personId}/${e}`)));
  const scheduledForRemoval = scheduledPairs.size;
  const ruleBacked = synced.reduce((s, c) => s + c.adoptedCovered.length, 0);
  const planned = ids.length ? await planPeople(tx, ids, { kind: "role.file", id: "apply", actorId: opts.actorId }, now) : { operationIds: [], created: [] };
  const removals: Removal[] = [
    ...[...scheduledPairs].map((k) => ({ kind: "grant.scheduled" as const, personId: k.split("/")[0]!, entitlementId: k.split("/")[1]! })),
    ...removalsOfPlan(planned.created),
  ];
  const changed = plans.filter((p) => p.action !== "unchanged");
  if (changed.length) {
    const keys = changed.map((p) => p.key);
    const idOf = new Map((await tx.select({ id: roleTemplates.id, key: roleTemplates.key }).from(roleTemplates).where(inArray(roleTemplates.key, keys))).map((x) => [x.key, x.id]));
    await recordAudit(
      tx,
      changed.map((p) => ({
        actorId: opts.actorId, actorKind: opts.actorKind, action: "role.file_applied", targetKind: "role_template", targetId: idOf.get(p.key) ?? null,
        data: { key: p.key, action: p.action, changes: p.changes, gain: p.impact.gain, lose: p.impact.lose, summary: p.impact.summary, sodConflicts: p.impact.sod.map((s) => ({ policy: s.policy, people: s.people })), people: p.impact.people },
      })),
    );
  }
  return { roles: plans, access: { people: ids.length, added, scheduledForRemoval, ruleBacked, operations: planned.operationIds.length, byKind: countKinds(planned.created) }, removals };
}

/** One role's steps as one blast radius (per entitlement and per SoD policy, people counted once). */
function mergeImpact(previews: RoleChangePreview[], label: Map<string, string>): RoleImpact {
  const ents = new Map<string, { name: string; gain: number; lose: number; sampleGain: Set<string>; sampleLose: Set<string> }>();
  const sod = new Map<string, { name: string; severity: string; people: number; sample: Set<string> }>();
  const people = new Set<string>();
  for (const p of previews) {
    p.affectedPersonIds.forEach((x) => people.add(x));
    for (const e of p.entitlements) {
      const m = ents.get(e.entitlementId) ?? ents.set(e.entitlementId, { name: label.get(e.entitlementId) ?? `${e.application} ${e.name}`, gain: 0, lose: 0, sampleGain: new Set(), sampleLose: new Set() }).get(e.entitlementId)!;
      m.gain += e.gain;
      m.lose += e.lose;
      e.sampleGain.forEach((x) => m.sampleGain.add(x));
      e.sampleLose.forEach((x) => m.sampleLose.add(x));
    }
    for (const s of p.sod) {
      const m = sod.get(s.policyId) ?? sod.set(s.policyId, { name: s.name, severity: s.severity, people: 0, sample: new Set() }).get(s.policyId)!;
      m.people += s.people;
      s.sample.forEach((x) => m.sample.add(x));
    }
  }
  const entitlementsOut = [...ents.values()].map((m) => ({ entitlement: m.name, gain: m.gain, lose: m.lose, sampleGain: [...m.sampleGain].slice(0, 10), sampleLose: [...m.sampleLose].slice(0, 10) }));
  const sodOut = [...sod.values()].map((m) => ({ policy: m.name, severity: m.severity, people: m.people, sample: [...m.sample].slice(0, 10) }));
  const gain = entitlementsOut.reduce((n, e) => n + e.gain, 0);
  const lose = entitlementsOut.reduce((n, e) => n + e.lose, 0);
  const summary = [
    ...entitlementsOut.filter((e) => e.gain).map((e) => `+${e.gain} gain ${e.entitlement}`),
    ...entitlementsOut.filter((e) => e.lose).map((e) => `−${e.lose} lose ${e.entitlement}`),
    ...(sodOut.length ? [`${sodOut.reduce((n, s) => n + s.people, 0)} new SoD conflicts`] : []),
  ].join(", ");
  return { summary: summary || "No one gains or loses access.", gain, lose, entitlements: entitlementsOut, sod: sodOut, people: people.size };
}
