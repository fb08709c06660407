"use server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/can";
import { actorOrThrow } from "@/lib/auth/session";
import { buildAccessReport, CsvError, reportToCsv, reportToJson, type AccessReport } from "@/lib/domain/mining/csv-report";
import { toUserError } from "@/lib/errors";
import { createDraftTemplates } from "@/lib/services/roles/create-draft-templates";

export type ReportState = { ok: boolean; message?: string; report?: AccessReport; csv?: string; json?: string; fileName?: string; seconds?: number } | null;

const MAX = 10_000_000;

/** Analyse an uploaded who-has-what CSV (wide or long). Nothing is stored. */
export async function accessReportAction(_prev: ReportState, form: FormData): Promise<ReportState> {
  try {
    const actor = await actorOrThrow();
    if (!can(actor, "analytics.run")) return { ok: false, message: "Only admins, security and auditors can run access analyses." };
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a CSV file." };
    if (file.size > MAX) return { ok: false, message: "The file is larger than 10 MB." };
    const format = z.enum(["auto", "wide", "long"]).catch("auto").parse(form.get("format"));
    const t0 = Date.now();
    const report = buildAccessReport(await file.text(), { format, timeLimitMs: 8000 });
    return { ok: true, report, csv: reportToCsv(report), json: reportToJson(report), fileName: file.name, seconds: (Date.now() - t0) / 1000 };
  } catch (err) {
    // A bad file is the user's to fix: say which row and column.
    if (err instanceof CsvError) return { ok: false, message: `This file cannot be analysed: ${err.message}` };
    return { ok: false, message: toUserError(err).message };
  }
}

export type DraftState = { ok: boolean; message: string; created?: Array<{ id: string; name: string; entitlements: number; unmatched: string[] }> } | null;

const draftForm = z.object({ roles: z.string().max(2_000_000) });

/** Turn the chosen mined roles into DRAFT role templates (admins only, audited). */
export async function draftTemplatesAction(_prev: DraftState, form: FormData): Promise<DraftState> {
  try {
    const actor = await actorOrThrow();
    const { roles } = draftForm.parse({ roles: form.get("roles") });
    const chosen = form.getAll("chosen").map(String);
    const all = JSON.parse(roles) as Array<{ id: string; name: string; permissions: string[] }>;
    const picked = all.filter((r) => chosen.includes(r.id)).map((r) => ({ name: r.name, permissions: r.permissions }));
    if (!picked.length) return { ok: false, message: "Choose at least one role." };
    const created = await createDraftTemplates({ ctx: { actor, db: await getDb() }, input: { roles: picked } });
    return { ok: true, message: `${created.length} draft role template(s) created.`, created };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}
