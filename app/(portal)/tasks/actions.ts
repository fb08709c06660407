"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { confirmManualTask } from "@/lib/services/systems/manual-tasks";
import { uploadAccountList } from "@/lib/services/systems/upload-accounts";

export type TaskActionState = { ok: boolean; message: string } | null;

const confirmInput = z.object({ taskId: z.string().uuid(), externalId: z.string().trim().max(200).optional(), note: z.string().trim().max(1000).optional() });

/** The owner confirms a manual task is done (ownership checked in the service). */
export async function confirmTaskAction(_prev: TaskActionState, form: FormData): Promise<TaskActionState> {
  const p = confirmInput.safeParse({ taskId: form.get("taskId"), externalId: form.get("externalId") || undefined, note: form.get("note") || undefined });
  if (!p.success) return { ok: false, message: "Unknown task." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    await confirmManualTask({ ctx: { actor, db }, input: p.data });
    revalidatePath("/tasks");
    return { ok: true, message: "Marked done. It will be verified by the next account list." };
  }, form);
}

/** Upload the system's current account list (CSV) to verify done tasks and reconcile. */
export async function uploadAccountsAction(_prev: TaskActionState, form: FormData): Promise<TaskActionState> {
  const applicationId = String(form.get("applicationId") ?? "");
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a CSV file." };
  if (file.size > 20_000_000) return { ok: false, message: "The file is too large (20 MB at most)." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await uploadAccountList({ ctx: { actor, db }, input: { applicationId, csv: await file.text() } });
    revalidatePath("/tasks");
    return { ok: true, message: `${r.targetAccounts} accounts read: ${r.matched} matched, ${r.drifted} drifted, ${r.orphans} unknown, ${r.missingInTarget} missing; ${r.verifiedTasks} task(s) verified.` };
  }, form);
}
