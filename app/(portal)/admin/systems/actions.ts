"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { configOfFields } from "@/lib/domain/connector-fields";
import { runAction } from "@/lib/http/action";
import { createSystem, updateSystem } from "@/lib/services/systems/save-system";
import { testSystemConnection } from "@/lib/services/systems/test-system";

export type SaveSystemState = { ok: boolean; message: string; id?: string; fields?: Record<string, string> } | null;
export type TestSystemState = { ok: boolean; message: string } | null;

/**
 * Form → service input. The configuration comes from the typed fields (config.<key>, converted by
 * lib/domain/connector-fields.ts) or, in "Advanced" mode, from the JSON text (config). Secret inputs are named
 * secret.<field>; an empty one keeps the stored value.
 */
function readForm(form: FormData) {
  if (!(form instanceof FormData)) return { error: "Invalid form" } as const;
  const secrets: Record<string, string> = {};
  const typed: Record<string, string> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v !== "string") continue;
    if (k.startsWith("secret.")) secrets[k.slice(7)] = v;
    else if (k.startsWith("config.")) typed[k.slice(7)] = v;
  }
  const kind = String(form.get("connectorKind") ?? "");
  let config: unknown = {};
  if (form.get("configMode") === "json") {
    const configText = String(form.get("config") ?? "").trim();
    if (configText) {
      try {
        config = JSON.parse(configText);
      } catch {
        return { error: "Configuration must be a JSON object, e.g. {\"baseUrl\": \"https://…\"}" } as const;
      }
    }
  } else config = configOfFields(kind, typed);
  const id = String(form.get("id") ?? "");
  return {
    id: id || undefined,
    input: {
      key: form.get("key"),
      name: form.get("name"),
      description: String(form.get("description") ?? ""),
      connectorKind: form.get("connectorKind"),
      config,
      secrets,
      criticality: form.get("criticality") || undefined,
      deprovisionAction: form.get("deprovisionAction") || undefined,
      retentionDays: form.get("retentionDays") || undefined,
      leaverPolicy: form.get("leaverPolicy") || undefined,
      reconcilePolicy: form.get("reconcilePolicy") || undefined,
    },
  } as const;
}

/** Create or update a connected system (admins; checked in the service). */
export async function saveSystemAction(_prev: SaveSystemState, form: FormData): Promise<SaveSystemState> {
  return runAction(async () => {
    const r = readForm(form);
    if ("error" in r) return { ok: false, message: r.error ?? "Invalid form", fields: { config: "Invalid JSON" } };
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const ctx = { actor, db };
    const v = r.id ? await updateSystem({ ctx, input: { ...r.input, id: r.id } }) : await createSystem({ ctx, input: r.input });
    revalidatePath("/admin/systems");
    return { ok: true, message: `Saved ${v.name}.`, id: v.id };
  }, form);
}

/** Test the connection with what the form holds (empty secrets: the stored ones). */
export async function testSystemAction(_prev: TestSystemState, form: FormData): Promise<TestSystemState> {
  return runAction(async () => {
    const r = readForm(form);
    if ("error" in r) return { ok: false, message: r.error ?? "Invalid form" };
    const kind = z.enum(["scim", "ldap", "postgres", "manual", "demo"]).safeParse(r.input.connectorKind);
    if (!kind.success) return { ok: false, message: "Choose a connector first." };
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const out = await testSystemConnection({ ctx: { actor, db }, input: { id: r.id, draft: { connectorKind: kind.data, config: r.input.config, secrets: r.input.secrets } } });
    return { ok: out.ok, message: out.message };
  }, form);
}
