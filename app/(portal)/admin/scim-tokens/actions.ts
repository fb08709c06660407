"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { createScimToken, revokeScimToken } from "@/lib/services/scim-inbound/tokens";

export type CreateTokenState = { ok: boolean; message?: string; name?: string; token?: string } | null;
export type RevokeTokenState = { ok: boolean; message: string } | null;

const createInput = z.object({ name: z.string().trim().min(1, "Give the token a name").max(100, "At most 100 characters") });
const revokeInput = z.object({ id: z.string().uuid() });

/** Create a SCIM token (admins; checked in the service). The secret is returned once, never stored. */
export async function createScimTokenAction(_prev: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const parsed = createInput.safeParse({ name: form.get("name") });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Invalid name" };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const t = await createScimToken({ ctx: { actor, db }, input: parsed.data });
    revalidatePath("/admin/scim-tokens");
    return { ok: true, name: t.name, token: t.token };
  }, form);
}

/** Revoke a SCIM token: the next request made with it is refused (401). */
export async function revokeScimTokenAction(_prev: RevokeTokenState, form: FormData): Promise<RevokeTokenState> {
  const parsed = revokeInput.safeParse({ id: form.get("id") });
  if (!parsed.success) return { ok: false, message: "Unknown token." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await revokeScimToken({ ctx: { actor, db }, input: parsed.data });
    revalidatePath("/admin/scim-tokens");
    return { ok: true, message: `Revoked "${r.name}".` };
  }, form);
}
