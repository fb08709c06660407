"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError } from "@/lib/errors";
import { createRequest, type CreateRequestResult } from "@/lib/services/requests/create-request";
import { nlDraft, type NlDraftResult } from "@/lib/services/requests/nl-draft";

export type CreateState = { ok: boolean; message: string; fields?: Record<string, string>; result?: CreateRequestResult } | null;
export type DraftState = { ok: boolean; message?: string; text?: string; choices?: Record<string, string>; draft?: NlDraftResult } | null;

const uuid = z.string().uuid();
const form = z.object({
  beneficiaryId: uuid.optional(),
  entitlementIds: z.array(uuid).min(1, "Choose at least one entitlement").max(20),
  durationDays: z.coerce.number().int().min(1).max(3650).optional(),
  justification: z.string().max(2000).default(""),
  channel: z.enum(["form", "plain_language"]).default("form"),
  originalText: z.string().max(500).optional(),
  confirmed: z.literal("yes").optional(),
});
const opt = (v: FormDataEntryValue | null) => (v === null || v === "" ? undefined : String(v));

/** File a request from the catalog form, or a confirmed plain-language draft (one service call). */
export async function createRequestAction(_prev: CreateState, fd: FormData): Promise<CreateState> {
  const parsed = form.safeParse({
    beneficiaryId: opt(fd.get("beneficiaryId")), entitlementIds: [...new Set(fd.getAll("entitlementId").map(String))], durationDays: opt(fd.get("durationDays")),
    justification: opt(fd.get("justification")), channel: opt(fd.get("channel")), originalText: opt(fd.get("originalText")), confirmed: opt(fd.get("confirmed")),
  });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Check the form." };
  const d = parsed.data;
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const result = await createRequest({
      ctx: { actor, db },
      input: { beneficiaryId: d.beneficiaryId, items: d.entitlementIds.map((entitlementId) => ({ entitlementId, durationDays: d.durationDays })), justification: d.justification, channel: d.channel, originalText: d.originalText, confirmed: d.confirmed === "yes" },
    });
    revalidatePath("/requests");
    return { ok: true, message: "Request submitted.", result };
  } catch (err) {
    const e = toUserError(err);
    return { ok: false, message: e.message, fields: e.fields };
  }
}

const draftForm = z.object({ text: z.string().trim().min(1, "Type what you need.").max(500), choices: z.record(z.string(), z.string().max(200)).default({}) });

/** Turn the typed text into a draft for confirmation (never submits). */
export async function draftAction(_prev: DraftState, fd: FormData): Promise<DraftState> {
  let choices: unknown = {};
  try {
    choices = JSON.parse(String(fd.get("choices") ?? "{}"));
  } catch {}
  const parsed = draftForm.safeParse({ text: fd.get("text"), choices });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Type what you need." };
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const draft = await nlDraft({ ctx: { actor, db }, input: parsed.data });
    return { ok: true, text: parsed.data.text, choices: parsed.data.choices, draft };
  } catch (err) {
    return { ok: false, message: toUserError(err).message, text: parsed.data.text };
  }
}
