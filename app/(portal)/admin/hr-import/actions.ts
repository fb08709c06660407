"use server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { runAction } from "@/lib/http/action";
import { applyHrRecords, type ApplyHrResult } from "@/lib/services/lifecycle/apply-hr-records";

export type HrImportState = { ok: boolean; message?: string; csv?: string; fileName?: string; asOf?: string; result?: ApplyHrResult; rows?: number } | null;

const input = z.object({
  csv: z.string().min(1, "Choose a CSV file").max(20_000_000, "The file is larger than 20 MB"),
  fileName: z.string().max(200).default("upload.csv"),
  mode: z.enum(["preview", "apply"]),
  onlyValid: z.enum(["on"]).optional(),
  /** The file's export time: the browser sends the file's modification time; an as_of column wins per row. */
  asOf: z.string().datetime({ offset: true, message: "The export time is not a date-time" }).optional(),
});

/** Preview (dry run) or apply an uploaded HR snapshot. Admins only (checked in the service). */
export async function hrImportAction(_prev: HrImportState, form: FormData): Promise<HrImportState> {
  return runAction(async () => {
    const file = form.get("file");
    const csv = file instanceof File && file.size > 0 ? await file.text() : String(form.get("csv") ?? "");
    const parsed = input.safeParse({ csv, fileName: file instanceof File && file.name ? file.name : form.get("fileName") ?? undefined, mode: form.get("mode"), onlyValid: form.get("onlyValid") ?? undefined, asOf: form.get("asOf") || undefined });
    if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Invalid upload" };
    const actor = await actorOrThrow();
    const { records, errors } = parseHrCsv(parsed.data.csv);
    const result = await applyHrRecords({
      ctx: { actor, db: await getDb() },
      input: { source: "csv", dryRun: parsed.data.mode === "preview", onlyValid: parsed.data.onlyValid === "on", asOf: parsed.data.asOf },
      records,
      rowErrors: errors,
    });
    return { ok: true, csv: parsed.data.csv, fileName: parsed.data.fileName, asOf: parsed.data.asOf, result, rows: records.length + new Set(errors.map((e) => e.line)).size };
  }, form);
}
