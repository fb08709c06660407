"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { closeCampaign } from "@/lib/services/reviews/close-campaign";
import { editCampaign } from "@/lib/services/reviews/edit-campaign";
import { forwardItems, remindNow } from "@/lib/services/reviews/forward-items";

export type CampaignAdminState = { ok: boolean; message: string } | null;
const input = z.object({
  campaignId: z.string().max(64),
  verb: z.enum(["close", "extend", "remind", "reassign"]),
  extendTo: z.string().max(32).optional(),
  fromEmail: z.string().max(320).optional(),
  toEmail: z.string().max(320).optional(),
});

/** Close a campaign now, or extend its due date (admins: `review.manage`, checked and audited in the services). */
export async function campaignAdminAction(_prev: CampaignAdminState, form: FormData): Promise<CampaignAdminState> {
  const p = input.safeParse({ campaignId: form.get("campaignId"), verb: form.get("verb"), extendTo: form.get("extendTo") || undefined, fromEmail: form.get("fromEmail") || undefined, toEmail: form.get("toEmail") || undefined });
  if (!p.success) return { ok: false, message: "Choose what to do." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const ctx = { actor, db };
    if (p.data.verb === "remind") {
      const r = await remindNow({ ctx, input: { campaignId: p.data.campaignId } });
      return { ok: true, message: r.sent ? `Reminded ${r.sent} reviewer${r.sent === 1 ? "" : "s"} with open items.` : "Nobody has open items." };
    }
    if (p.data.verb === "reassign") {
      if (!p.data.fromEmail) return { ok: false, message: "Give the current reviewer's email address." };
      const r = await forwardItems({ ctx, input: { campaignId: p.data.campaignId, fromEmail: p.data.fromEmail, toEmail: p.data.toEmail ?? "" } });
      revalidatePath(`/reviews/${p.data.campaignId}`);
      return { ok: true, message: `Moved ${r.moved} open item${r.moved === 1 ? "" : "s"} to ${r.to}${r.keptOwnAccess ? ` (${r.keptOwnAccess} about their own access stayed)` : ""}.` };
    }
    if (p.data.verb === "close") {
      const r = await closeCampaign({ ctx, input: { campaignId: p.data.campaignId } });
      revalidatePath(`/reviews/${p.data.campaignId}`);
      return { ok: true, message: `Closed. Undecided items got the default decision${r.operationIds.length ? `; ${r.operationIds.length} removal operation${r.operationIds.length === 1 ? "" : "s"} planned` : ""}.` };
    }
    if (!p.data.extendTo) return { ok: false, message: "Pick the new due date." };
    const r = await editCampaign({ ctx, input: { campaignId: p.data.campaignId, extendTo: p.data.extendTo } });
    revalidatePath(`/reviews/${p.data.campaignId}`);
    return { ok: true, message: `Due date moved to ${r.dueAt?.slice(0, 10)}.` };
  }, form);
}

export type ForwardState = { ok: boolean; message: string } | null;
const forwardForm = z.object({ campaignId: z.string().max(64), toEmail: z.string().max(320), note: z.string().max(500).optional() });

/** A reviewer forwards their open items of this campaign to someone else (checked, notified and audited in the service). */
export async function forwardItemsAction(_prev: ForwardState, form: FormData): Promise<ForwardState> {
  const p = forwardForm.safeParse({ campaignId: form.get("campaignId"), toEmail: form.get("toEmail") ?? "", note: form.get("note") || undefined });
  if (!p.success) return { ok: false, message: "Give the email address of the person to forward to." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await forwardItems({ ctx: { actor, db }, input: p.data });
    revalidatePath(`/reviews/${p.data.campaignId}`);
    return { ok: true, message: `Forwarded ${r.moved} open item${r.moved === 1 ? "" : "s"} to ${r.to}${r.keptOwnAccess ? ` (${r.keptOwnAccess} about their own access stayed with you)` : ""}.` };
  }, form);
}
