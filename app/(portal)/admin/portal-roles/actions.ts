"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { grantPortalRole, revokePortalRole } from "@/lib/services/people/portal-roles";

export type PortalRoleState = { ok: boolean; message: string } | null;

const input = z.object({ email: z.string().max(320), role: z.string().max(20), verb: z.enum(["grant", "revoke"]) });

/** Grant or revoke a portal role (admins; checked and audited in the service, which also keeps the last admin). */
export async function changePortalRoleAction(_prev: PortalRoleState, form: FormData): Promise<PortalRoleState> {
  const parsed = input.safeParse({ email: form.get("email") ?? "", role: form.get("role") ?? "", verb: form.get("verb") });
  if (!parsed.success) return { ok: false, message: "Give an email and a role." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const ctx = { actor, db };
    const { verb, ...rest } = parsed.data;
    const r = verb === "grant" ? await grantPortalRole({ ctx, input: rest }) : await revokePortalRole({ ctx, input: rest });
    revalidatePath("/admin/portal-roles");
    if (!r.changed) return { ok: true, message: `${r.displayName} ${verb === "grant" ? "already holds" : "does not hold"} the ${r.role} role.` };
    return { ok: true, message: verb === "grant" ? `${r.displayName} is now ${r.role}.` : `${r.displayName} is no longer ${r.role}.` };
  }, form);
}
