"use server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/can";
import { actorOrThrow } from "@/lib/auth/session";
import { CsvError, reportToCsv, reportToJson, type AccessReport } from "@/lib/domain/mining/csv-report";
import { runAction } from "@/lib/http/action";
import { runAnalyticsInThread } from "@/lib/jobs/thread";
import { createDraftTemplates, type CsvDraft } from "@/lib/services/roles/create-draft-templates";

export type ReportState = { ok: boolean; message?: string; report?: AccessReport; csv?: string; json?: string; fileName?: string; seconds?: number } | null;

const MAX = 10_000_000;

/** Analyse an uploaded who-has-what CSV (wide or long). Nothing is stored. */
export async function accessReportAction(_prev: ReportState, form: FormData): Promise<ReportState> {
  return runAction(async () => {
    const actor = await actorOrThrow();
    if (!can(actor, "analytics.run")) return { ok: false, message: "Only admins, security and auditors can run access analyses." };
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a CSV file." };
    if (file.size > MAX) return { ok: false, message: "The file is larger than 10 MB." };
    const format = z.enum(["auto", "wide", "long"]).catch("auto").parse(form.get("format"));
    const t0 = Date.now();
    let report: AccessReport;
    try {
      // On a worker thread: the mining inside would otherwise hold the portal's event loop for up to 8 s.
      report = await runAnalyticsInThread("accessReport", { text: await file.text(), options: { format, timeLimitMs: 8000 } }, { timeoutMs: 60_000 });
    } catch (err) {
      // A bad file is the user's to fix: say which row and column.
      if (err instanceof CsvError) return { ok: false, message: `This file cannot be analysed: ${err.message}` };
      throw err;
    }
    return { ok: true, report, csv: reportToCsv(report), json: reportToJson(report), fileName: file.name, seconds: (Date.now() - t0) / 1000 };
  }, form);
}

export type DraftState = { ok: boolean; message: string; created?: CsvDraft[] } | null;

const draftForm = z.object({ roles: z.string().max(2_000_000) });
const minedRoles = z.array(z.object({ id: z.string(), name: z.string().max(200), permissions: z.array(z.string().max(500)).max(10_000) })).max(10_000);
const jsonOrNull = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
};

/** Turn the chosen mined roles into DRAFT role templates (admins only, audited). */
export async function draftTemplatesAction(_prev: DraftState, form: FormData): Promise<DraftState> {
  return runAction(async () => {
    const actor = await actorOrThrow();
    const { roles } = draftForm.parse({ roles: form.get("roles") });
    const chosen = form.getAll("chosen").map(String);
    const all = minedRoles.safeParse(jsonOrNull(roles));
    if (!all.success) return { ok: false, message: "The analysis to draft from is not readable; run it again." };
    const picked = all.data.filter((r) => chosen.includes(r.id)).map((r) => ({ name: r.name, permissions: r.permissions }));
    if (!picked.length) return { ok: false, message: "Choose at least one role." };
    const created = await createDraftTemplates({ ctx: { actor, db: await getDb() }, input: { roles: picked } });
    return { ok: true, message: `${created.length} draft role template(s) created.`, created };
  }, form);
}
