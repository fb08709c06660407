/**
 * The brownfield onboarding scenario (issue 10), through the services behind the documented interfaces only, in the
 * order docs/onboarding.md gives: `hr import` (dry run, then apply) → `admin grant` → `apply -f` systems file (dry run,
 * then apply) → `reconcile` (dry run, then apply) → `apply -f` again to describe entitlements (privileged) → `usage
 * import` (dry run, then apply) → a later HR snapshot with the movers → an SoD policy (portal) → "Review all existing
 * access" (preview, launch). Used by brownfield.int.test.ts (PGlite and PostgreSQL) and `npm run bench:brownfield`.
 *
 * Measures, from rows read back: campaign items against the memberships the systems hold, the share of planted
 * problems the pre-analysis flags (recommendation other than no_action; an orphan account is flagged by being an
 * orphan item), the share of all items flagged, every dry run against its run, and whether anything was revoked,
 * disabled or deleted (no operation of those kinds, no grant revoked) before anyone decided.
 */
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { accountEntitlements, accounts, applications, entitlements, grants, orphanReviewItems, people, reviewItems } from "@/db/schema";
import { rowsOf, type Queryable } from "@/db/client";
import type { Actor } from "@/lib/auth/can";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { applyHrRecords, type ApplyHrResult } from "@/lib/services/lifecycle/apply-hr-records";
import { grantPortalRole } from "@/lib/services/people/portal-roles";
import { reconcileAll, type ReconcileReport } from "@/lib/services/provisioning/reconcile";
import { launchExistingAccess, previewExistingAccess } from "@/lib/services/reviews/existing-access";
import { saveSodPolicy } from "@/lib/services/sod/policies";
import { applyConfigFile } from "@/lib/services/systems/apply-file";
import { importUsage } from "@/lib/services/usage/import-usage";
import type { BrownfieldOrg, PlantedItem, PlantedKind } from "./brownfield-org";

const DAY = 86_400_000;
const CLI: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };

export type BrownfieldTargets = { ldap: { url: string; bindDn: string; bindPassword: string; baseDn: string }; scim: { baseUrl: string; token: string } };
export type BrownfieldResult = {
  campaignId: string;
  /** Memberships the systems hold for accounts linked to people (read back from account_entitlements). */
  memberships: number;
  items: number;
  orphanItems: number;
  /** Items whose (person, entitlement) is no membership the systems hold, and memberships with no item. */
  itemsWithoutMembership: number;
  membershipsWithoutItem: number;
  flagged: number;
  planted: number;
  plantedFlagged: number;
  byKind: Record<PlantedKind, { planted: number; flagged: number }>;
  missed: Array<PlantedItem & { reasons: string[] }>;
  dryRunMismatches: string[];
  destructiveOperations: number;
  /** Revoke, disable and delete operations by "kind (cause)": none expected before a decision. */
  destructiveByCause: Record<string, number>;
  revokedGrants: number;
  disabledAccounts: number;
};

function same(label: string, dry: unknown, real: unknown, out: string[]) {
  const a = JSON.stringify(dry);
  const b = JSON.stringify(real);
  if (a !== b) out.push(`${label}: dry run ${a} ≠ applied ${b}`);
}
const hrTotals = (r: ApplyHrResult) => ({ created: r.created, updated: r.updated, unchanged: r.unchanged, skipped: r.skipped, errors: r.errors.length, events: r.events.map((e) => `${e.kind}:${e.employeeId}`).sort(), access: r.access, operations: r.operations, byKind: r.operationsByKind ?? {}, held: r.held?.reasons ?? null });
const reconcileTotals = (rs: Array<ReconcileReport | { application: string; error: string }>) =>
  // A dry run's accounts and findings are rows created and rolled back: their ids differ, everything else is equal.
  rs.map((r) => ("error" in r ? r : { ...r, dryRun: false, findings: r.findings.map(({ id: _i, firstSeenAt: _f, key: _k, accountId: _a, ...f }) => f).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) }));

export async function runBrownfield(db: Queryable, org: BrownfieldOrg, targets: BrownfieldTargets, now: Date): Promise<BrownfieldResult> {
  const mismatches: string[] = [];
  const cli = { db, actor: CLI, clock: () => now };

  // 1. People from HR (the export of six weeks ago), dry run first.
  const hr = async (csv: string, asOf: Date) => {
    const { records, errors } = parseHrCsv(csv);
    if (errors.length) throw new Error(`HR CSV: ${JSON.stringify(errors.slice(0, 3))}`);
    const input = { source: "csv", asOf: asOf.toISOString(), moverOverlapDays: 7 };
    const dry = await applyHrRecords({ ctx: cli, input: { ...input, dryRun: true }, records });
    const real = await applyHrRecords({ ctx: cli, input, records });
    same("hr import", hrTotals(dry), hrTotals(real), mismatches);
    if (real.held?.id) throw new Error(`HR import held: ${real.held.reasons.join("; ")}`);
    return real;
  };
  await hr(org.hrBefore, new Date(now.getTime() - 45 * DAY));

  // 2. The first admin (`gatehouse admin grant EMAIL`).
  const granted = await grantPortalRole({ ctx: cli, input: { email: org.admin, role: "admin" } });
  const admin: Actor = { personId: granted.personId, name: granted.displayName, email: org.admin, roles: ["employee", "admin"], ownedApplicationIds: [] };
  const ctx = { db, actor: admin, clock: () => now };

  // 3. The systems file, dry run first; reconcilePolicy stays "report".
  const environment = { BF_LDAP_PASSWORD: targets.ldap.bindPassword, BF_SCIM_TOKEN: targets.scim.token };
  const systems = (extra: { dir?: unknown[]; apps?: unknown[] } = {}) =>
    JSON.stringify({
      systems: [
        { key: "dir", name: "Corporate directory", connector: "ldap", config: { url: targets.ldap.url, bindDn: targets.ldap.bindDn, baseDn: targets.ldap.baseDn }, secrets: { bindPassword: "env:BF_LDAP_PASSWORD" }, owners: [org.admin], ...(extra.dir ? { entitlements: extra.dir } : {}) },
        { key: "apps", name: "Workspace apps", connector: "scim", config: { baseUrl: targets.scim.baseUrl }, secrets: { token: "env:BF_SCIM_TOKEN" }, owners: [org.admin], ...(extra.apps ? { entitlements: extra.apps } : {}) },
      ],
    });
  const apply = async (text: string) => {
    const dry = await applyConfigFile({ ctx, input: { text, environment, dryRun: true } });
    const real = await applyConfigFile({ ctx, input: { text, environment } });
    same("apply -f", dry, real, mismatches);
  };
  await apply(systems());

  // 4. The first reconcile: discovery, linking, adoption, findings; dry run first.
  const dryRec = await reconcileAll(db, { keys: ["dir", "apps"], dryRun: true, now });
  const rec = await reconcileAll(db, { keys: ["dir", "apps"], now });
  for (const r of rec) if ("error" in r) throw new Error(`reconcile ${r.application}: ${r.error}`);
  same("reconcile", reconcileTotals(dryRec), reconcileTotals(rec), mismatches);

  // 5. Describe the privileged groups (apply -f with entitlement metadata; external ids as the application page shows them).
  const ents = await db.select({ name: entitlements.name, externalId: entitlements.externalId, app: applications.key }).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId));
  const priv = (app: string) => ents.filter((e) => e.app === app && org.privileged.includes(e.name)).map((e) => ({ externalId: e.externalId, privileged: true, sensitivity: "high" }));
  await apply(systems({ dir: priv("dir"), apps: priv("apps") }));

  // 6. Usage of the SCIM application from its admin console export.
  const dryU = await importUsage({ ctx, input: { applicationKey: "apps", csv: org.usageCsv, dryRun: true } });
  const realU = await importUsage({ ctx, input: { applicationKey: "apps", csv: org.usageCsv } });
  const uTotals = (u: typeof realU) => ({ rows: u.rows, errors: u.errors, unknown: u.unknownAccounts, updated: u.updated, unchanged: u.unchanged, grantsUpdated: u.grantsUpdated });
  same("usage import", uTotals(dryU), uTotals(realU), mismatches);
  if (realU.errors.length) throw new Error(`usage import: ${JSON.stringify(realU.errors.slice(0, 3))}`);

  // 7. Today's HR snapshot: the movers have moved (recorded with their previous department and the date).
  await hr(org.hrNow, new Date(now.getTime() - 10 * DAY));

  // 8. Separation of duties (Admin → SoD policies).
  const byName = (n: string) => ents.filter((e) => e.name === n);
  const idsOf = async (n: string) => (await db.select({ id: entitlements.id }).from(entitlements).where(inArray(entitlements.externalId, byName(n).map((e) => e.externalId)))).map((e) => e.id);
  await saveSodPolicy({ ctx, input: { name: "Initiate and approve payments", action: "block", sideA: await idsOf(org.sod.sideA), sideB: await idsOf(org.sod.sideB) } });

  // 9. "Review all existing access": preview, then launch with the previewed totals.
  const preview = await previewExistingAccess({ ctx, input: { reviewerKind: "manager" }, now });
  const launched = await launchExistingAccess({ ctx, input: { reviewerKind: "manager", dueAt: new Date(now.getTime() + 21 * DAY).toISOString(), expected: { items: preview.totals.items, orphans: preview.totals.orphans } }, now });
  await launched.done;

  return measure(db, org, launched.campaignId, mismatches);
}

async function measure(db: Queryable, org: BrownfieldOrg, campaignId: string, mismatches: string[]): Promise<BrownfieldResult> {
  const items = await db
    .select({ email: people.email, entitlement: entitlements.name, app: applications.key, personId: reviewItems.personId, entitlementId: reviewItems.entitlementId, recommendation: reviewItems.recommendation, reasons: reviewItems.reasons })
    .from(reviewItems)
    .innerJoin(people, eq(people.id, reviewItems.personId))
    .innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId))
    .innerJoin(applications, eq(applications.id, entitlements.applicationId))
    .where(eq(reviewItems.campaignId, campaignId));
  const orphans = await db
    .select({ userName: accounts.username, app: applications.key, reasons: orphanReviewItems.reasons })
    .from(orphanReviewItems)
    .innerJoin(accounts, eq(accounts.id, orphanReviewItems.accountId))
    .innerJoin(applications, eq(applications.id, orphanReviewItems.applicationId))
    .where(eq(orphanReviewItems.campaignId, campaignId));
  const held = await db
    .selectDistinct({ personId: accounts.personId, entitlementId: accountEntitlements.entitlementId })
    .from(accountEntitlements)
    .innerJoin(accounts, eq(accounts.id, accountEntitlements.accountId))
    .where(isNotNull(accounts.personId));
  const key = (p: string | null, e: string) => `${p}|${e}`;
  const heldKeys = new Set(held.map((h) => key(h.personId, h.entitlementId)));
  const itemKeys = new Set(items.map((i) => key(i.personId, i.entitlementId)));

  const itemOf = new Map(items.map((i) => [`${i.email}|${i.app}|${i.entitlement}`, i]));
  const orphanOf = new Map(orphans.map((o) => [`${o.app}|${o.userName.toLowerCase()}`, o]));
  const byKind = {} as BrownfieldResult["byKind"];
  const missed: BrownfieldResult["missed"] = [];
  let plantedFlagged = 0;
  for (const p of org.planted) {
    const k = (byKind[p.kind] ??= { planted: 0, flagged: 0 });
    k.planted += 1;
    let flagged = false;
    let reasons: string[] = ["(no item)"];
    if (p.kind === "orphan") {
      const o = orphanOf.get(`${p.system}|${p.account!.toLowerCase()}`);
      flagged = Boolean(o);
      reasons = o?.reasons ?? reasons;
    } else {
      const i = itemOf.get(`${p.email}|${p.system}|${p.entitlement}`);
      flagged = Boolean(i && i.recommendation !== "no_action");
      reasons = i?.reasons ?? reasons;
    }
    if (flagged) (k.flagged += 1), (plantedFlagged += 1);
    else missed.push({ ...p, reasons });
  }
  const ops = rowsOf<{ what: string; n: number | string }>(await db.execute(sql`SELECT kind || ' (' || cause_kind || ')' AS what, count(*) AS n FROM operations WHERE kind IN ('revoke', 'disable', 'delete') GROUP BY 1`));
  const revoked = await db.select({ id: grants.id }).from(grants).where(inArray(grants.status, ["revoked", "expired"]));
  const disabled = await db.select({ id: accounts.id }).from(accounts).where(and(inArray(accounts.status, ["disabled", "deleted"])));
  return {
    campaignId,
    memberships: heldKeys.size,
    items: items.length,
    orphanItems: orphans.length,
    itemsWithoutMembership: [...itemKeys].filter((k) => !heldKeys.has(k)).length,
    membershipsWithoutItem: [...heldKeys].filter((k) => !itemKeys.has(k)).length,
    flagged: items.filter((i) => i.recommendation !== "no_action").length + orphans.length,
    planted: org.planted.length,
    plantedFlagged,
    byKind,
    missed,
    dryRunMismatches: mismatches,
    destructiveOperations: ops.reduce((s, o) => s + Number(o.n), 0),
    destructiveByCause: Object.fromEntries(ops.map((o) => [o.what, Number(o.n)])),
    revokedGrants: revoked.length,
    disabledAccounts: disabled.length,
  };
}

export const pct = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 10 : 0);
export function summary(r: BrownfieldResult): string {
  const total = r.items + r.orphanItems;
  const kinds = Object.entries(r.byKind).map(([k, v]) => `${k} ${v.flagged}/${v.planted}`).join(", ");
  return `planted flagged ${r.plantedFlagged}/${r.planted} (${pct(r.plantedFlagged, r.planted)}%), items flagged ${r.flagged}/${total} (${pct(r.flagged, total)}%) [${kinds}; ${r.items} access items for ${r.memberships} memberships, ${r.orphanItems} orphan accounts]`;
}
