"use server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { clearDelegation, setDelegation } from "@/lib/services/requests/delegation";
import { createPersonalToken, revokePersonalToken } from "@/lib/services/agents/tokens";

export type DelegationState = { ok: boolean; message: string } | null;

/** Name one's own approval delegate (form fields "email", "until"). The service only ever changes the actor's row. */
export async function setDelegateAction(_prev: DelegationState, form: FormData): Promise<DelegationState> {
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await setDelegation({ ctx: { actor, db }, input: { delegateEmail: String(form.get("email") ?? ""), until: String(form.get("until") ?? "") } });
    revalidatePath("/settings");
    return { ok: true, message: `While you are away, ${r.delegateName} approves on your behalf until ${r.until.slice(0, 10)}.` };
  }, form);
}

export async function clearDelegateAction(_prev: DelegationState, _form: FormData): Promise<DelegationState> {
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await clearDelegation({ ctx: { actor, db } });
    revalidatePath("/settings");
    return { ok: true, message: r.cleared ? "Delegation ended: approvals come to you again." : "There was no delegation." };
  }, _form);
}

export type TokenState = { ok: boolean; message: string; token?: string } | null;

/** A personal token for one's own assistant (scoped, expiring); shown once. */
export async function createPersonalTokenAction(_prev: TokenState, form: FormData): Promise<TokenState> {
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const t = await createPersonalToken({ ctx: { actor, db }, input: { name: String(form.get("name") ?? ""), scopes: form.getAll("scopes").map(String), days: String(form.get("days") ?? "30") } });
    revalidatePath("/settings");
    return { ok: true, message: `Token "${t.name}" created (${t.scopes.join(", ")}), valid until ${t.expiresAt.toISOString().slice(0, 10)}.`, token: t.token };
  }, form);
}

export async function revokePersonalTokenAction(_prev: TokenState, form: FormData): Promise<TokenState> {
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await revokePersonalToken({ ctx: { actor, db }, input: { id: String(form.get("id") ?? "") } });
    revalidatePath("/settings");
    return { ok: true, message: `Token "${r.name}" revoked.` };
  }, form);
}
