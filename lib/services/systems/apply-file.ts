/**
 * applySystemsFile (admins; `gatehouse apply -f FILE`): make the connected systems what a JSON file says.
 *
 * File: { "systems": [ { key, name, connector, config, secrets, criticality, deprovision: { action, retentionDays },
 * description?, reconcilePolicy?, enabled?, owners? } ] } (docs/systems-file.md). A secret value "env:NAME" is read
 * from the environment map the caller passes (the CLI passes its process environment), so files hold no secrets.
 *
 * All-or-nothing: every entry is resolved and validated first (connector factory schemas), then all are written in
 * one transaction. The plan (also the --dry-run output) says create / update (with the changed fields) / unchanged
 * per system, and per secret field "changed" / "unchanged" — never a value. Systems absent from the file are left
 * alone (the file is not a full inventory).
 */
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { applicationOwners, applications, people } from "@/db/schema";
import { canonical } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { decryptSecrets } from "@/lib/crypto";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
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
    deprovision: z.object({ action: z.string().optional(), retentionDays: z.number().optional() }).optional(),
    reconcilePolicy: z.string().optional(),
    enabled: z.boolean().optional(),
    owners: z.array(z.string()).optional(),
  })
  .strict();
const file = z.object({ systems: z.array(entry) }).strict();

export type SecretState = "changed" | "unchanged";
export type SystemPlan = { key: string; action: "create" | "update" | "unchanged"; changes: string[]; secrets: Record<string, SecretState>; warnings: string[] };

/** Parse the file text into validated inputs (env references resolved). Throws ValidationError naming the entry. */
export function parseSystemsFile(text: string, environment: Record<string, string | undefined>): { inputs: SystemInput[]; warnings: Map<string, string[]> } {
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
          reconcilePolicy: s.reconcilePolicy,
          enabled: s.enabled,
          owners: s.owners,
        }),
      );
    } catch (e) {
      throw new ValidationError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
    warnings.set(s.key, w);
  });
  return { inputs, warnings };
}

export async function applySystemsFile({ ctx, input }: { ctx: Ctx; input: { text: string; environment: Record<string, string | undefined>; dryRun?: boolean } }): Promise<SystemPlan[]> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can configure connected systems.");
  const { inputs, warnings } = parseSystemsFile(input.text, input.environment);
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
    if (!a) {
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
    cmp("reconcilePolicy", a.reconcilePolicy, i.reconcilePolicy);
    cmp("enabled", a.enabled, i.enabled);
    if (i.owners) {
      const have = ownerRows.filter((o) => o.applicationId === a.id).map((o) => o.email.toLowerCase()).sort();
      cmp("owners", have, [...new Set(i.owners.map((e) => e.toLowerCase()))].sort());
    }
    const secretChanged = Object.values(secrets).includes("changed");
    plans.push({ key: i.key, action: changes.length || secretChanged ? "update" : "unchanged", changes, secrets, warnings: warnings.get(i.key) ?? [] });
  }
  if (input.dryRun) return plans;
  const who = auditActorOf(ctx);
  await ctx.db.transaction(async (tx) => {
    for (const i of inputs) {
      const p = plans.find((x) => x.key === i.key)!;
      if (p.action === "unchanged") continue;
      await saveSystemTx(tx, i, who, byKey.get(i.key)?.id);
    }
  });
  return plans;
}
