"use server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { markFindingException } from "@/lib/services/mining/list-findings";

export type ExceptionState = { ok: boolean; message: string; fields?: Record<string, string> } | null;

/** Mark a finding as a justified exception (reason + expiry), recorded in the audit log. */
export async function markExceptionAction(_prev: ExceptionState, form: FormData): Promise<ExceptionState> {
  return runAction(async () => {
    const actor = await actorOrThrow();
    const input = {
      kind: form.get("kind"),
      personId: form.get("personId"),
      entitlementId: form.get("entitlementId") || null,
      reason: form.get("reason"),
      expiresAt: form.get("expiresAt"),
    };
    await markFindingException({ ctx: { actor, db: await getDb() }, input });
    revalidatePath("/analytics/findings");
    return { ok: true, message: "Recorded as a justified exception until it expires." };
  }, form);
}
