"use server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError } from "@/lib/errors";
import { clearDelegation, setDelegation } from "@/lib/services/requests/delegation";

export type DelegationState = { ok: boolean; message: string } | null;

/** Name one's own approval delegate (form fields "email", "until"). The service only ever changes the actor's row. */
export async function setDelegateAction(_prev: DelegationState, form: FormData): Promise<DelegationState> {
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await setDelegation({ ctx: { actor, db }, input: { delegateEmail: String(form.get("email") ?? ""), until: String(form.get("until") ?? "") } });
    revalidatePath("/settings");
    return { ok: true, message: `While you are away, ${r.delegateName} approves on your behalf until ${r.until.slice(0, 10)}.` };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}

export async function clearDelegateAction(_prev: DelegationState, _form: FormData): Promise<DelegationState> {
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await clearDelegation({ ctx: { actor, db } });
    revalidatePath("/settings");
    return { ok: true, message: r.cleared ? "Delegation ended: approvals come to you again." : "There was no delegation." };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}
