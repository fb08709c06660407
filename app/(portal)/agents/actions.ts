"use server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError } from "@/lib/errors";
import { createAgent, disableAgent, rotateAgentToken } from "@/lib/services/agents/agents";

export type AgentFormState = { ok: boolean; message: string; token?: string; name?: string; fields?: Record<string, string> } | null;

const list = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Register an agent (the signed-in person sponsors it unless an admin names another sponsor). Token shown once. */
export async function createAgentAction(_prev: AgentFormState, form: FormData): Promise<AgentFormState> {
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const sponsorEmail = String(form.get("sponsorEmail") ?? "").trim();
    const a = await createAgent({
      ctx: { actor, db },
      input: {
        name: String(form.get("name") ?? ""), purpose: String(form.get("purpose") ?? ""), kind: String(form.get("kind") ?? "agent"),
        scopes: form.getAll("scopes").map(String), expires: String(form.get("expires") ?? "") || undefined,
        sponsorEmail: sponsorEmail || undefined, backupEmails: list(form.get("backupEmails")),
      },
    });
    revalidatePath("/agents");
    return { ok: true, message: `Agent ${a.name} registered.`, token: a.token, name: a.name };
  } catch (err) {
    const e = toUserError(err);
    return { ok: false, message: e.message, fields: e.fields };
  }
}

export async function rotateAgentTokenAction(_prev: AgentFormState, form: FormData): Promise<AgentFormState> {
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await rotateAgentToken({ ctx: { actor, db }, input: { agent: String(form.get("id") ?? "") } });
    revalidatePath("/agents");
    return { ok: true, message: `New token for ${r.name}; ${r.revoked} older token(s) stopped working.`, token: r.token, name: r.name };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}

/** The kill switch. */
export async function disableAgentAction(_prev: AgentFormState, form: FormData): Promise<AgentFormState> {
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await disableAgent({ ctx: { actor, db }, input: { agent: String(form.get("id") ?? ""), reason: String(form.get("reason") ?? "") || undefined } });
    revalidatePath("/agents");
    return { ok: true, message: `${r.name} disabled: ${r.tokensRevoked} token(s) and ${r.grantsRevoked} grant(s) revoked; its accounts are being disabled.` };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}
