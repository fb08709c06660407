"use server";
import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { nlLlmConfig } from "@/lib/env";
import { runAction } from "@/lib/http/action";
import { createRequest, type CreateRequestResult } from "@/lib/services/requests/create-request";
import { nlDraft, type NlDraftResult } from "@/lib/services/requests/nl-draft";

export type CreateState = { ok: boolean; message: string; fields?: Record<string, string>; result?: CreateRequestResult } | null;
export type DraftState = { ok: boolean; message?: string; text?: string; choices?: Record<string, string>; draft?: NlDraftResult; /** A new id per reading, so the page shows each new draft afresh. */ seq?: string } | null;

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
  // Each picked entitlement may carry its own duration ("durationDays.<id>"); the general one covers the rest.
  const own = new Map<string, number>();
  for (const id of d.entitlementIds) {
    const raw = opt(fd.get(`durationDays.${id}`));
    if (raw === undefined) continue;
    const n = z.coerce.number().int().min(1).max(3650).safeParse(raw);
    if (!n.success) return { ok: false, message: "Each duration is a whole number of days between 1 and 3650.", fields: { [`durationDays.${id}`]: "1 to 3650 days" } };
    own.set(id, n.data);
  }
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const result = await createRequest({
      ctx: { actor, db },
      input: { beneficiaryId: d.beneficiaryId, items: d.entitlementIds.map((entitlementId) => ({ entitlementId, durationDays: own.get(entitlementId) ?? d.durationDays })), justification: d.justification, channel: d.channel, originalText: d.originalText, confirmed: d.confirmed === "yes" },
    });
    revalidatePath("/requests");
    return { ok: true, message: "Request submitted.", result };
  }, fd);
}

const draftForm = z.object({ text: z.string().trim().min(1, "Type what you need.").max(500), choices: z.record(z.string(), z.string().max(200)).default({}) });

/** Turn the typed text into a draft for confirmation (never submits). */
export async function draftAction(_prev: DraftState, fd: FormData): Promise<DraftState> {
  let choices: unknown = {};
  // Answers belong to the sentence they were given for: a new sentence starts with none ("Which Omar?" does not stick).
  const text = String(fd.get("text") ?? "").trim();
  if (String(fd.get("choicesFor") ?? "").trim() === text) {
    try {
      choices = JSON.parse(String(fd.get("choices") ?? "{}"));
    } catch {}
  }
  const parsed = draftForm.safeParse({ text: fd.get("text"), choices });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Type what you need." };
  const r = await runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const draft = await nlDraft({ ctx: { actor, db }, input: parsed.data, llm: nlLlmConfig() });
    return { ok: true, text: parsed.data.text, choices: parsed.data.choices, draft, seq: randomUUID() };
  }, fd);
  return r.ok ? r : { ...r, text: parsed.data.text };
}
