"use server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { markRead } from "@/lib/services/requests/notifications";

export type MarkReadState = { ok: boolean; message: string } | null;

/** Mark one notification (form field "id") or all of the actor's notifications (no id) as read. Only one's own (SQL). */
export async function markReadAction(_prev: MarkReadState, form: FormData): Promise<MarkReadState> {
  const id = form.get("id");
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await markRead({ ctx: { actor, db }, input: typeof id === "string" && id ? { ids: [id] } : { all: true } });
    revalidatePath("/notifications");
    return { ok: true, message: r.marked === 1 ? "Marked as read." : `${r.marked} marked as read.` };
  }, form);
}
