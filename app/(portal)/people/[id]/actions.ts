"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { removeGrant } from "@/lib/services/access/remove-grant";

export type RemoveGrantState = { ok: boolean; message: string } | null;

const form = z.object({ personId: z.string().uuid(), grantId: z.string().uuid(), reason: z.string().max(1000) });

/** An admin removes one grant (checked, validated, planned and audited in the service). */
export async function removeGrantAction(_prev: RemoveGrantState, fd: FormData): Promise<RemoveGrantState> {
  return runAction(async () => {
    const p = form.safeParse({ personId: fd.get("personId"), grantId: fd.get("grantId"), reason: fd.get("reason") ?? "" });
    if (!p.success) return { ok: false, message: "Invalid request." };
    const r = await removeGrant({ ctx: { actor: await actorOrThrow(), db: await getDb() }, input: { grantId: p.data.grantId, reason: p.data.reason } });
    revalidatePath(`/people/${p.data.personId}`);
    // The removed row leaves the table (and its form with it): the page says what happened, read from the database
    // by grant id (a forged link cannot make the page announce something that did not happen).
    redirect(`/people/${p.data.personId}?removed=${p.data.grantId}&ops=${r.operations}`);
  }, fd);
}
