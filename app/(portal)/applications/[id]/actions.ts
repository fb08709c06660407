"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { setApplicationAliases } from "@/lib/services/applications/set-aliases";
import { syncApplication } from "@/lib/services/applications/sync-application";
import { updateEntitlement } from "@/lib/services/applications/update-entitlement";
import { acceptDriftFinding } from "@/lib/services/provisioning/accept-drift";
import { importUsage } from "@/lib/services/usage/import-usage";

export type AppActionState = { ok: boolean; message: string } | null;

/** "Sync now": reconcile this application at once (admins; checked and audited in the service). */
export async function syncApplicationAction(_prev: AppActionState, form: FormData): Promise<AppActionState> {
  return runAction(async () => {
    const id = z.string().uuid().safeParse(form.get("id"));
    if (!id.success) return { ok: false, message: "Invalid request." };
    const r = await syncApplication({ ctx: { actor: await actorOrThrow(), db: await getDb() }, input: { id: id.data } });
    revalidatePath(`/applications/${id.data}`);
    const d = r.discovery;
    return {
      ok: true,
      message:
        `Synced: ${r.targetAccounts} accounts (${r.linked} newly linked, ${r.orphans} orphans); entitlements ` +
        (d.error ? `not discovered (${d.error})` : `${d.created} new, ${d.updated} updated, ${d.removed} removed`) +
        `; ${r.adopted} grants adopted; ${r.usage.accounts} last sign-ins read; ${r.plannedOperations} operations planned` +
        (r.held?.id ? `; remediation HELD for an admin's release (Admin → Held runs)` : "") + ".",
    };
  }, form);
}

const meta = z.object({
  applicationId: z.string().uuid(),
  entitlementId: z.string().uuid(),
  description: z.string().max(2000),
  owner: z.string().max(320),
  sensitivity: z.string().max(20),
  privileged: z.boolean(),
  requestable: z.boolean(),
});

/** Edit one entitlement's metadata (admins; validated, checked and audited in the service). */
export async function updateEntitlementAction(_prev: AppActionState, form: FormData): Promise<AppActionState> {
  return runAction(async () => {
    const p = meta.safeParse({
      applicationId: form.get("applicationId"), entitlementId: form.get("entitlementId"), description: form.get("description") ?? "",
      owner: form.get("owner") ?? "", sensitivity: form.get("sensitivity") ?? "", privileged: form.get("privileged") === "on", requestable: form.get("requestable") === "on",
    });
    if (!p.success) return { ok: false, message: "Invalid entitlement." };
    const r = await updateEntitlement({ ctx: { actor: await actorOrThrow(), db: await getDb() }, input: p.data });
    revalidatePath(`/applications/${p.data.applicationId}`);
    return { ok: true, message: r.changes.length ? "Saved." : "Nothing changed." };
  }, form);
}

const schema = z.object({ findingId: z.string().uuid(), reason: z.string().max(500), until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Choose an expiry date.") });

export type AcceptDriftState = { ok: boolean; message: string } | null;

/** Accept a drift finding as an exception until a date (admins; checked again in the service). */
export async function acceptDriftAction(_prev: AcceptDriftState, form: FormData): Promise<AcceptDriftState> {
  return runAction(async () => {
    const parsed = schema.safeParse({ findingId: form.get("findingId"), reason: form.get("reason") ?? "", until: form.get("until") ?? "" });
    if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Invalid exception." };
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const { findingId, reason, until } = parsed.data;
    await acceptDriftFinding({ ctx: { actor, db }, input: { findingId, reason, until: `${until}T23:59:59Z` } });
    revalidatePath("/applications/[id]", "page");
    return { ok: true, message: `Accepted until ${until}.` };
  }, form);
}

export type AliasesState = { ok: boolean; message: string; aliases?: string[] } | null;
const aliasesForm = z.object({ applicationId: z.string().uuid(), aliases: z.string().max(2000) });

/** Save the other names of an application (admins; checked and audited in the service). */
export async function saveAliasesAction(_prev: AliasesState, fd: FormData): Promise<AliasesState> {
  return runAction(async () => {
    const parsed = aliasesForm.safeParse({ applicationId: fd.get("applicationId"), aliases: fd.get("aliases") ?? "" });
    if (!parsed.success) return { ok: false, message: "Unknown application or aliases too long." };
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await setApplicationAliases({ ctx: { actor, db }, input: parsed.data });
    revalidatePath(`/applications/${parsed.data.applicationId}`);
    return { ok: true, message: r.aliases.length ? `Saved: ${r.aliases.join(", ")}.` : "Saved: no aliases.", aliases: r.aliases };
  }, fd);
}

export type UsageImportState = { ok: boolean; message: string; details?: string[] } | null;

/** Import a usage file (CSV account, last_used): owners and admins, checked in the service; all or nothing. */
export async function importUsageAction(_prev: UsageImportState, form: FormData): Promise<UsageImportState> {
  const applicationId = z.string().uuid().safeParse(form.get("applicationId"));
  if (!applicationId.success) return { ok: false, message: "Unknown application." };
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a CSV file (account, last_used)." };
  if (file.size > 20_000_000) return { ok: false, message: "The file is too large (20 MB at most)." };
  const dryRun = form.get("dryRun") === "on";
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await importUsage({ ctx: { actor, db }, input: { applicationId: applicationId.data, csv: await file.text(), dryRun } });
    if (r.errors.length) {
      return {
        ok: false,
        message: `${r.errors.length} row(s) with errors: nothing was imported. Fix the file and upload it again.`,
        details: r.errors.slice(0, 50).map((e) => `Row ${e.line}${e.column ? `, column ${e.column}` : ""}: ${e.message}`),
      };
    }
    if (!dryRun) revalidatePath(`/applications/${applicationId.data}`);
    return {
      ok: true,
      message:
        `${dryRun ? "Dry run, nothing saved: " : ""}${r.rows} rows; ${r.updated} accounts ${dryRun ? "would get" : "got"} a newer last sign-in, ${r.unchanged} already had a later one; ` +
        `${r.grantsUpdated} grants' last use ${dryRun ? "would move" : "moved"} forward; ${r.unknownAccounts.length} unknown account(s)${r.unknownAccounts.length ? " (skipped)" : ""}.`,
      details: r.unknownAccounts.slice(0, 50).map((u) => `Row ${u.line}: no account "${u.account}" in ${r.application.name}`),
    };
  }, form);
}
