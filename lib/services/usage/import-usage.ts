/**
 * importUsage (the application's owners, or admins): a usage file for one application, CSV `account, last_used`
 * (lib/domain/usage.ts parseUsageCsv), for systems that cannot report sign-ins themselves or whose reports come from
 * elsewhere (a SaaS admin console export, a proxy log).
 *
 * All or nothing: a file with any malformed row changes nothing and every bad row is reported with its line. Accounts
 * are matched by user name (case-insensitive), else by the target's id; rows naming no known account are reported
 * (they do not stop the file: exports often list accounts Gatehouse has not reconciled yet). Sign-ins are stored on
 * the accounts (only where newer than what is known) and carried to their grants (record-usage.ts), with one
 * `usage.imported` audit event, in one transaction. `dryRun` runs all of it and rolls back.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { accounts, applicationOwners, applications } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { has } from "@/lib/auth/can";
import { parseUsageCsv, type UsageRowError } from "@/lib/domain/usage";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { auditActorOf } from "@/lib/services/systems/save-system";
import { propagateUsage, recordAccountUsage } from "./record-usage";

const input = z
  .object({
    applicationId: z.string().uuid().optional(),
    applicationKey: z.string().trim().min(1).max(63).optional(),
    csv: z.string().max(20_000_000, "The file is too large (20 MB at most)"),
    dryRun: z.boolean().default(false),
  })
  .refine((v) => v.applicationId || v.applicationKey, "Name the application.");

export type UsageImportResult = {
  application: { id: string; key: string; name: string };
  applied: boolean;
  dryRun: boolean;
  rows: number;
  errors: UsageRowError[];
  unknownAccounts: Array<{ line: number; account: string }>;
  /** Accounts whose last sign-in moved forward; rows that matched but were not newer than what is stored. */
  updated: number;
  unchanged: number;
  grantsUpdated: number;
};

class DryRunRollback extends Error {}

export async function importUsage({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<UsageImportResult> {
  if (ctx.actor.agent) throw new ForbiddenError("Agents cannot import usage.");
  const p = input.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid upload.");
  const { applicationId, applicationKey, csv, dryRun } = p.data;
  const [app] = await ctx.db
    .select({ id: applications.id, key: applications.key, name: applications.name })
    .from(applications)
    .where(applicationId ? eq(applications.id, applicationId) : eq(applications.key, applicationKey!));
  if (!app) throw new NotFoundError("No such application.");
  if (!has(ctx.actor, "admin")) {
    const [owner] = await ctx.db
      .select({ id: applicationOwners.personId })
      .from(applicationOwners)
      .where(and(eq(applicationOwners.applicationId, app.id), eq(applicationOwners.personId, ctx.actor.personId)));
    if (!owner) throw new ForbiddenError("Only the application's owners or an administrator can import its usage.");
  }
  const now = nowOf(ctx);
  const parsed = parseUsageCsv(csv, now);
  const result: UsageImportResult = {
    application: app, applied: false, dryRun, rows: parsed.rows.length + parsed.errors.length, errors: parsed.errors, unknownAccounts: [], updated: 0, unchanged: 0, grantsUpdated: 0,
  };
  if (parsed.errors.length) return result;

  try {
    await ctx.db.transaction(async (tx) => {
      const known = await tx
        .select({ id: accounts.id, username: accounts.username, externalId: accounts.externalId })
        .from(accounts)
        .where(eq(accounts.applicationId, app.id));
      const byName = new Map(known.map((a) => [a.username.toLowerCase(), a.id]));
      const byExt = new Map(known.filter((a) => a.externalId).map((a) => [a.externalId!, a.id]));
      const entries: Array<{ accountId: string; at: Date; source: string }> = [];
      const seen = new Set<string>();
      for (const r of parsed.rows) {
        const id = byName.get(r.account.toLowerCase()) ?? byExt.get(r.account);
        if (!id) result.unknownAccounts.push({ line: r.line, account: r.account });
        else if (!seen.has(id)) {
          seen.add(id);
          entries.push({ accountId: id, at: r.lastUsed, source: "csv" });
        }
      }
      result.updated = entries.length ? await recordAccountUsage(tx, entries, now) : 0;
      result.unchanged = entries.length - result.updated;
      result.grantsUpdated = result.updated ? await propagateUsage(tx, app.id) : 0;
      await recordAudit(tx, {
        ...auditActorOf(ctx), action: "usage.imported", targetKind: "application", targetId: app.id,
        data: {
          application: app.key, rows: parsed.rows.length, accountsUpdated: result.updated, unchanged: result.unchanged, grantsUpdated: result.grantsUpdated,
          unknownAccounts: result.unknownAccounts.length, unknownSample: result.unknownAccounts.slice(0, 20).map((u) => u.account),
        },
      });
      if (dryRun) throw new DryRunRollback();
    });
    result.applied = !dryRun;
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  return result;
}
