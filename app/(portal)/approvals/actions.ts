"use server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { bulkApprove, decideStep } from "@/lib/services/requests/decide-step";

export type DecideState = { ok: boolean; message: string; stepIds?: string[] } | null;

const one = z.object({ stepId: z.string().uuid(), decision: z.enum(["approve", "deny"]), comment: z.string().max(1000).optional() });
const many = z.object({ stepIds: z.array(z.string().uuid()).min(1, "Select at least one low-risk approval").max(200), comment: z.string().max(1000).optional() });

/**
 * Approve or deny one step (only the routed approver; checked in the service). No revalidation: the card shows
 * the outcome in place (a refresh would unmount it); the page is dynamic, so the next visit is fresh.
 */
export async function decideAction(_prev: DecideState, fd: FormData): Promise<DecideState> {
  const parsed = one.safeParse({ stepId: fd.get("stepId"), decision: fd.get("decision"), comment: fd.get("comment") ?? undefined });
  if (!parsed.success) return { ok: false, message: "Unknown approval." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await decideStep({ ctx: { actor, db }, input: parsed.data });
    const what = parsed.data.decision === "deny" ? "Denied." : r.nextStage ? `Approved; stage ${r.nextStage} is next.` : "Approved; provisioning has started.";
    return { ok: true, message: what, stepIds: [parsed.data.stepId] };
  }, fd);
}

/** Approve the selected low-risk steps at once; others are left with a reason. */
export async function bulkApproveAction(_prev: DecideState, fd: FormData): Promise<DecideState> {
  const parsed = many.safeParse({ stepIds: fd.getAll("stepId").map(String), comment: fd.get("comment") || undefined });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Nothing selected." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await bulkApprove({ ctx: { actor, db }, input: parsed.data });
    const skipped = r.skipped.length ? ` ${r.skipped.length} left for a one-by-one decision: ${r.skipped.map((s) => s.reason).join(" ")}` : "";
    return { ok: r.approved.length > 0, message: `Approved ${r.approved.length}.${skipped}`, stepIds: r.approved.map((a) => a.stepId) };
  }, fd);
}
