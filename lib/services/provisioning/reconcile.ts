/**
 * Reconciliation: read a connected system back and make the portal's ACTUAL state (accounts,
 * account_entitlements) what the target really holds; then, for applications whose policy is "remediate", feed
 * the same planner so drift converges through ordinary operations (no special repair path).
 *
 * Matching: by the target's id (externalId), else by userName (case-insensitive). Target accounts the portal does
 * not know are linked to the person whose email matches, else recorded as orphans (personId null). Portal
 * accounts missing from the target are marked deleted. Accounts with an operation in flight are left alone (the
 * operation will record their state). One transaction per application, audited.
 *
 * Before the accounts, the target's groups/roles are DISCOVERED (discover.ts): new ones become entitlements, changed
 * ones are updated, vanished ones are marked removed, so memberships of them are known rather than dropped. After the
 * accounts, memberships nobody decided in Gatehouse are ADOPTED as grants (source "adopted") on the first sync, for
 * accounts linked in this run and for entitlements discovered in this run. An orphan account whose email matches a
 * person is linked on any later reconciliation (HR imported after the system was connected).
 *
 * USAGE: where the connector reports a last sign-in (LDAP authTimestamp / lastLogonTimestamp, a SCIM attribute path
 * set in the system's config), it is stored on the account (never moving backwards) and, after adoption, carried to
 * the grants of the account's person in this application (lib/services/usage/record-usage.ts).
 *
 * Then the target is diffed against the DESIRED state (drift.ts): findings are persisted and stay reported on every
 * reconcile until gone or accepted as exceptions, and the planner re-plans everyone with an account or a grant in
 * the application, so what the target misses (a leaver still active after a dead-lettered disable, a missing
 * membership) gets operations again: the loop converges after any outage, restart or manual change. Under the
 * "report" policy, memberships nobody granted in the portal are reported, not revoked, and the live account of a
 * person who had left before Gatehouse saw it is reported (and reviewed), not disabled; "remediate" acts on both.
 *
 * That re-plan never disables or deletes the account of an active person linked to it (an account Gatehouse did not
 * create is not removed because nothing in Gatehouse grants it), and it passes the mass-change guard: a plan
 * removing too much is held (held_runs) until an admin releases it.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { rowsOf, uuidArray, type Queryable } from "@/db/client";
import { accountEntitlements, accounts, applications, entitlements, grants, operations, people, type Application } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Connector, TargetAccount, TargetEntitlement } from "@/lib/domain/connector";
import type { PlannedOperation } from "@/lib/domain/planner";
import { connectorFor as defaultConnectorFor, type ConnectorFor } from "./connector-for";
import { assessRemovals, countKinds, HoldRun, holdRun, removalsOfPlan } from "@/lib/services/guard/mass-change";
import { adoptMemberships, discoverEntitlements } from "./discover";
import { computeFindings, recordFindings, type FindingView } from "./drift";
import { isManaged, planPeople } from "./plan";
import { propagateUsage } from "@/lib/services/usage/record-usage";

export type ReconcileReport = {
  application: string;
  targetAccounts: number;
  matched: number;
  drifted: number;
  missingInTarget: number;
  orphans: number;
  linked: number;
  unknownEntitlements: number;
  plannedOperations: number;
  /** Entitlement discovery: created / updated / restored / marked removed; `error` when the target could not list them. */
  discovery: { created: number; updated: number; restored: number; removed: number; error?: string };
  /** Memberships turned into grants with source "adopted". */
  adopted: number;
  /** Last sign-ins: accounts the target reported one for, and grants whose last use moved forward. */
  usage: { accounts: number; grantsUpdated: number };
  /** Remediation's operations by kind (what was, or for a dry run would be, planned). */
  byKind: Record<string, number>;
  /** The mass-change guard held the remediation (id; nothing planned) or, in a dry run, would (id null). */
  held: { id: string | null; reasons: string[] } | null;
  dryRun: boolean;
  /** Drift findings (open or accepted exceptions) after this reconcile, with who/what they concern. */
  findings: Array<FindingView & { userName: string | null; person: string | null; entitlement: string | null }>;
  /** Findings accepted as exceptions (not counted in `drifted`). */
  accepted: number;
};

class ReconcileDryRun extends Error {
  constructor(public readonly report: ReconcileReport) {
    super("dry run");
  }
}

/**
 * `dryRun`: everything runs (discovery, adoption, remediation's planning, the guard's verdict) and the transaction is
 * rolled back, so the report's figures are exactly what a real run would do.
 */
export async function reconcileApplication(db: Queryable, app: Application, connector: Connector, now = new Date(), opts: { dryRun?: boolean } = {}): Promise<ReconcileReport> {
  const target = await connector.listAccounts(); // outside the transaction: the target may be slow
  let found: TargetEntitlement[] | null = null;
  let discoveryError: string | undefined;
  try {
    found = await connector.listEntitlements();
  } catch (e) {
    // A target without a groups endpoint still reconciles its accounts; the failure is reported.
    discoveryError = e instanceof Error ? e.message : String(e);
  }
  const dryRun = opts.dryRun === true;
  try {
    return await db.transaction(async (tx) => {
      const discovered = found ? await discoverEntitlements(tx, app, found, now) : null;
      const [known, ents, busy] = await Promise.all([
        tx.select().from(accounts).where(eq(accounts.applicationId, app.id)),
        tx.select({ id: entitlements.id, externalId: entitlements.externalId }).from(entitlements).where(eq(entitlements.applicationId, app.id)),
        tx
          .select({ personId: operations.personId })
          .from(operations)
          .where(and(eq(operations.applicationId, app.id), inArray(operations.status, ["queued", "running"]))),
      ]);
      const busyPeople = new Set(busy.map((b) => b.personId).filter(Boolean));
      const entByExt = new Map(ents.map((e) => [e.externalId, e.id]));
      const held = known.length
        ? await tx
            .select({ accountId: accountEntitlements.accountId, entitlementId: accountEntitlements.entitlementId })
            .from(accountEntitlements)
            .innerJoin(accounts, eq(accounts.id, accountEntitlements.accountId))
            .where(eq(accounts.applicationId, app.id))
        : [];
      const heldBy = new Map<string, Set<string>>();
      for (const h of held) (heldBy.get(h.accountId) ?? heldBy.set(h.accountId, new Set()).get(h.accountId)!).add(h.entitlementId);
      const byExt = new Map(known.filter((a) => a.externalId).map((a) => [a.externalId!, a]));
      const byName = new Map(known.map((a) => [a.username.toLowerCase(), a]));

      const report: ReconcileReport = {
        application: app.key, targetAccounts: target.length, matched: 0, drifted: 0, missingInTarget: 0, orphans: 0, linked: 0, unknownEntitlements: 0, plannedOperations: 0,
        discovery: discovered ? { created: discovered.created, updated: discovered.updated, restored: discovered.restored, removed: discovered.removed } : { created: 0, updated: 0, restored: 0, removed: 0, error: discoveryError },
        adopted: 0,
        usage: { accounts: 0, grantsUpdated: 0 },
        byKind: {},
        held: null,
        dryRun,
        findings: [],
        accepted: 0,
      };
      const linkedAccountIds: string[] = [];
      const affected = new Set<string>();
      const seen = new Set<string>();
      /** The target's last sign-in, when it reports one and it is newer than what is stored. */
      const loginOf = (t: TargetAccount, stored: Date | null): { lastLoginAt?: Date; lastLoginSource?: string | null } => {
        if (!t.lastLoginAt) return {};
        const at = new Date(t.lastLoginAt);
        if (Number.isNaN(at.getTime())) return {};
        report.usage.accounts++;
        return stored && stored >= at ? {} : { lastLoginAt: at, lastLoginSource: t.lastLoginSource ?? `${app.connectorKind}` };
      };
      // Writes are collected and made in batches (a few statements per thousand accounts, not several per account).
      const addHeld: Array<{ accountId: string; entitlementId: string }> = [];
      const delHeld: Array<{ accountId: string; entitlementId: string }> = [];
      const diffHeld = (accountId: string, t: TargetAccount) => {
        const want = new Set<string>();
        for (const x of t.entitlements) {
          const id = entByExt.get(x);
          if (id) want.add(id);
          else report.unknownEntitlements++;
        }
        const have = heldBy.get(accountId) ?? new Set<string>();
        let changed = false;
        for (const e of want) if (!have.has(e)) (addHeld.push({ accountId, entitlementId: e }), (changed = true));
        for (const e of have) if (!want.has(e)) (delHeld.push({ accountId, entitlementId: e }), (changed = true));
        return changed;
      };

      // Unknown accounts, and known orphans (not marked unmanaged), are linked by email.
      const linkable = (t: TargetAccount) => {
        const a = byExt.get(t.externalId) ?? byName.get(t.userName.toLowerCase());
        return !a || (!a.personId && a.reconState !== "unmanaged");
      };
      const emails = [...new Set(target.filter((t) => t.email && linkable(t)).map((t) => t.email!.toLowerCase()))];
      const personByEmail = new Map<string, string>();
      for (const part of chunks(emails, 5000)) {
        const rows = await tx.select({ id: people.id, email: people.email }).from(people).where(inArray(sql`lower(${people.email})`, part));
        for (const r of rows) personByEmail.set(r.email.toLowerCase(), r.id);
      }

      type AccountUpdate = { id: string; personId: string | null; externalId: string; status: "active" | "disabled"; disabledAt: Date | null; reconState: string; lastLoginAt: Date | null; lastLoginSource: string | null };
      const updates: AccountUpdate[] = [];
      const fresh: Array<{ t: TargetAccount; personId: string | null }> = [];
      const freshNames = new Set<string>();
      for (const t of target) {
        const a = byExt.get(t.externalId) ?? byName.get(t.userName.toLowerCase());
        if (a) {
          seen.add(a.id);
          if (a.personId && busyPeople.has(a.personId)) continue;
          if (!a.personId && a.reconState !== "unmanaged" && t.email && personByEmail.has(t.email.toLowerCase())) {
            a.personId = personByEmail.get(t.email.toLowerCase())!;
            linkedAccountIds.push(a.id);
            report.linked++;
            affected.add(a.personId);
          }
          const status = t.active ? ("active" as const) : ("disabled" as const);
          const statusDrift = a.status !== status;
          const entDrift = diffHeld(a.id, t);
          const drift = statusDrift || entDrift || a.externalId !== t.externalId;
          const login = loginOf(t, a.lastLoginAt);
          updates.push({
            id: a.id,
            personId: a.personId,
            externalId: t.externalId,
            status,
            disabledAt: status === "disabled" ? (a.disabledAt ?? now) : null,
            reconState: a.personId ? (drift ? "drift" : "matched") : a.reconState === "unmanaged" ? "unmanaged" : "orphan",
            lastLoginAt: login.lastLoginAt ?? a.lastLoginAt,
            lastLoginSource: login.lastLoginAt ? (login.lastLoginSource ?? null) : (a.lastLoginSource ?? null),
          });
          if (drift) report.drifted++;
          else report.matched++;
          if (a.personId && drift) affected.add(a.personId);
          continue;
        }
        // Two target accounts whose userNames differ only in case are one account here (the first one wins).
        const lower = t.userName.toLowerCase();
        if (freshNames.has(lower)) continue;
        freshNames.add(lower);
        fresh.push({ t, personId: t.email ? (personByEmail.get(t.email.toLowerCase()) ?? null) : null });
      }
      for (const part of chunks(updates, 1000)) await updateAccounts(tx, part, now);
      for (const part of chunks(fresh, 1000)) {
        const created = await tx
          .insert(accounts)
          .values(part.map(({ t, personId }) => ({ applicationId: app.id, personId, externalId: t.externalId, username: t.userName, status: t.active ? ("active" as const) : ("disabled" as const), disabledAt: t.active ? null : now, reconState: personId ? ("matched" as const) : ("orphan" as const), ...loginOf(t, null), updatedAt: now })))
          .onConflictDoNothing()
          .returning({ id: accounts.id, username: accounts.username });
        const idByName = new Map(created.map((c) => [c.username.toLowerCase(), c.id]));
        for (const { t, personId } of part) {
          const id = idByName.get(t.userName.toLowerCase());
          if (!id) continue;
          diffHeld(id, t);
          if (personId) {
            report.linked++;
            linkedAccountIds.push(id);
            affected.add(personId);
          } else report.orphans++;
        }
      }
      // Memberships seen and gone: two array parameters per 10,000 pairs (unnest), not three bind parameters per pair.
      for (const part of chunks(addHeld, 10_000)) {
        await tx.execute(sql`
          INSERT INTO account_entitlements (account_id, entitlement_id, observed_at)
          SELECT v.a, v.e, ${now.toISOString()}::timestamptz FROM unnest(${uuidArray(part.map((d) => d.accountId))}, ${uuidArray(part.map((d) => d.entitlementId))}) AS v(a, e)
          ON CONFLICT DO NOTHING`);
      }
      for (const part of chunks(delHeld, 10_000)) {
        await tx.execute(sql`
          DELETE FROM account_entitlements ae USING unnest(${uuidArray(part.map((d) => d.accountId))}, ${uuidArray(part.map((d) => d.entitlementId))}) AS v(a, e)
          WHERE ae.account_id = v.a AND ae.entitlement_id = v.e`);
      }
      // After a bulk load (a first sync) the planner's statistics still describe nearly empty tables, and the joins
      // below (adoption, findings, the re-plan) would be planned as nested loops over every row: refresh them.
      if (addHeld.length + fresh.length + delHeld.length >= BULK_ROWS) await analyze(tx, ["accounts", "account_entitlements"]);
      const gone = known.filter((a) => !seen.has(a.id) && a.status !== "deleted" && !(a.personId && busyPeople.has(a.personId)));
      for (const part of chunks(gone, 5000)) {
        const ids = part.map((a) => a.id);
        await tx.update(accounts).set({ status: "deleted", reconState: "drift", updatedAt: now }).where(inArray(accounts.id, ids));
        await tx.delete(accountEntitlements).where(inArray(accountEntitlements.accountId, ids));
      }
      for (const a of gone) {
        report.missingInTarget++;
        if (a.personId) affected.add(a.personId);
      }
      const adoption = await adoptMemberships(tx, app, { firstSync: !app.lastReconciledAt, linkedAccountIds, newEntitlementIds: discovered?.createdIds ?? [] }, now);
      report.adopted = adoption.adopted;
      if (adoption.adopted >= BULK_ROWS) await analyze(tx, ["grants"]);
      // Always: grants adopted in this run take the usage already stored (a usage file imported before the first sync).
      report.usage.grantsUpdated = await propagateUsage(tx, app.id);
      await tx.update(applications).set({ lastReconciledAt: now }).where(eq(applications.id, app.id));

      // Desired against target: persisted findings, and a re-plan of what the target misses.
      const foundDrift = await computeFindings(tx, app, now, busyPeople as Set<string>);
      const live = await recordFindings(tx, app, foundDrift, now, busyPeople as Set<string>);
      const open = live.filter((f) => f.status === "open");
      const driftedAccounts = new Set(open.filter((f) => f.kind !== "orphan_account").map((f) => f.accountId ?? f.personId));
      report.drifted = driftedAccounts.size;
      report.matched = Math.max(0, target.length - report.drifted - open.filter((f) => f.kind === "orphan_account").length);
      report.accepted = live.length - open.length;
      report.findings = await describe(tx, live);
      const subjects = await tx
        .selectDistinct({ personId: accounts.personId })
        .from(accounts)
        .where(and(eq(accounts.applicationId, app.id), sql`${accounts.personId} IS NOT NULL`, sql`${accounts.status} <> 'deleted'`));
      const grantees = await tx
        .selectDistinct({ personId: grants.personId })
        .from(grants)
        .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
        .where(and(eq(entitlements.applicationId, app.id), eq(grants.status, "active")));
      const everyone = [...new Set([...subjects.map((x) => x.personId!), ...grantees.map((x) => x.personId), ...affected])];
      if (everyone.length && app.enabled) {
        const only = await reconcileScope(tx, app);
        try {
          // In a savepoint: a held remediation rolls back alone; what was read from the target (and the findings) is kept.
          await tx.transaction(async (sp) => {
            // Planned per PLAN_CHUNK people: the planner loads each person's grants and memberships in every
            // application, which for 20,000 people is ~400,000 rows at once; the guard below judges the whole run.
            const r = { operationIds: [] as string[], created: [] as PlannedOperation[] };
            for (const part of chunks(everyone, PLAN_CHUNK)) {
              const x = await planPeople(sp, part, { kind: "reconcile", id: app.id }, now, { keepAccountsOfActive: true, only });
              r.operationIds.push(...x.operationIds);
              r.created.push(...x.created);
            }
            const removals = removalsOfPlan(r.created);
            const verdict = await assessRemovals(sp, removals);
            report.plannedOperations = r.operationIds.length;
            report.byKind = countKinds(r.created);
            if (verdict.held) report.held = { id: null, reasons: verdict.reasons };
            if (verdict.held && !dryRun) throw new HoldRun(verdict, removals, { operations: r.operationIds.length, ...report.byKind });
          });
        } catch (e) {
          if (!(e instanceof HoldRun)) throw e;
          const id = await holdRun(tx, { kind: "reconcile", title: `Reconcile remediation of ${app.name}`, input: { applicationId: app.id, personIds: everyone }, actorId: null, actorKind: "worker", hold: e });
          report.held = { id, reasons: e.verdict.reasons };
          report.plannedOperations = 0;
        }
      }
      await recordAudit(tx, {
        actorKind: "worker", action: "reconciliation.completed", targetKind: "application", targetId: app.id,
        data: { ...report, findings: report.findings.length, findingKinds: countKinds(report.findings), policy: app.reconcilePolicy },
      });
      if (dryRun) throw new ReconcileDryRun(report);
      return report;
    });
  } catch (e) {
    if (e instanceof ReconcileDryRun) return e.report;
    throw e;
  }
}

/**
 * Which of the re-plan's operations reconciliation keeps: this application's only. "remediate" keeps them all.
 * Under "report" nothing nobody decided is taken away: revokes only of what was decided in the portal (a grant
 * revoked or expired there), never of memberships the portal never granted nor of active (adopted) grants; disables
 * and deletes only of accounts Gatehouse already decided to disable (an earlier disable or delete operation: a
 * dead-lettered leaver's disable converges), never of an account first seen live for a person who had already left
 * (a leaver found at onboarding is a "leaver with a live account" finding and a review item, not an automatic disable).
 */
async function reconcileScope(tx: Queryable, app: Application): Promise<(op: PlannedOperation) => boolean> {
  if (app.reconcilePolicy === "remediate") return (op) => op.applicationId === app.id;
  const decided = new Set(
    (
      await tx
        .selectDistinct({ personId: grants.personId, entitlementId: grants.entitlementId })
        .from(grants)
        .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
        .where(and(eq(entitlements.applicationId, app.id), sql`${grants.status} <> 'active'`))
    ).map((g) => `${g.personId}|${g.entitlementId}`),
  );
  const disabledBefore = new Set(
    rowsOf<{ account_id: string }>(
      await tx.execute(sql`SELECT DISTINCT account_id FROM operations WHERE application_id = ${app.id} AND account_id IS NOT NULL AND kind IN ('disable', 'delete')`),
    ).map((r) => r.account_id),
  );
  return (op) => {
    if (op.applicationId !== app.id) return false;
    if (op.kind === "revoke") return decided.has(`${op.personId}|${op.entitlementId}`);
    if (op.kind === "disable" || op.kind === "delete") return op.accountId !== null && disabledBefore.has(op.accountId);
    return true;
  };
}

/** Release of a held remediation (guard/release.ts): plan the stored people now, with the guard off. */
export async function planHeldRemediation(tx: Queryable, applicationId: string, personIds: string[], now: Date) {
  const [app] = await tx.select().from(applications).where(eq(applications.id, applicationId));
  const only = app ? await reconcileScope(tx, app) : (op: PlannedOperation) => op.applicationId === applicationId;
  const r = await planPeople(tx, personIds, { kind: "reconcile", id: applicationId }, now, { keepAccountsOfActive: true, only });
  return { operations: r.operationIds.length, byKind: countKinds(r.created) };
}

/** Names for the findings (account userName, person, entitlement), for the CLI and the report. */
async function describe(tx: Queryable, fs: FindingView[]): Promise<ReconcileReport["findings"]> {
  const accIds = [...new Set(fs.map((f) => f.accountId).filter((x): x is string => Boolean(x)))];
  const pIds = [...new Set(fs.map((f) => f.personId).filter((x): x is string => Boolean(x)))];
  const eIds = [...new Set(fs.map((f) => f.entitlementId).filter((x): x is string => Boolean(x)))];
  const [as, ps, es] = await Promise.all([
    accIds.length ? tx.select({ id: accounts.id, u: accounts.username }).from(accounts).where(inArray(accounts.id, accIds)) : Promise.resolve([]),
    pIds.length ? tx.select({ id: people.id, n: people.displayName }).from(people).where(inArray(people.id, pIds)) : Promise.resolve([]),
    eIds.length ? tx.select({ id: entitlements.id, n: entitlements.name }).from(entitlements).where(inArray(entitlements.id, eIds)) : Promise.resolve([]),
  ]);
  const a = new Map(as.map((x) => [x.id, x.u]));
  const p = new Map(ps.map((x) => [x.id, x.n]));
  const e = new Map(es.map((x) => [x.id, x.n]));
  return fs.map((f) => ({ ...f, userName: f.accountId ? (a.get(f.accountId) ?? null) : null, person: f.personId ? (p.get(f.personId) ?? null) : null, entitlement: f.entitlementId ? (e.get(f.entitlementId) ?? null) : null }));
}

/** Reconcile every managed application (or the given keys); a failing target is reported, not fatal. */
export async function reconcileAll(
  db: Queryable,
  opts: { keys?: string[]; connectorFor?: ConnectorFor; dryRun?: boolean; now?: Date } = {},
): Promise<Array<ReconcileReport | { application: string; error: string }>> {
  const apps = (await db.select().from(applications)).filter((a) => isManaged(a) && (!opts.keys?.length || opts.keys.includes(a.key)));
  const out: Array<ReconcileReport | { application: string; error: string }> = [];
  for (const app of apps) {
    let c: Connector | null = null;
    try {
      c = await (opts.connectorFor ?? defaultConnectorFor)(app);
      out.push(await reconcileApplication(db, app, c, opts.now ?? new Date(), { dryRun: opts.dryRun }));
    } catch (e) {
      out.push({ application: app.key, error: e instanceof Error ? e.message : String(e) });
    } finally {
      await c?.close?.().catch(() => {});
    }
  }
  return out;
}

/**
 * Scheduled reconciliation: every managed system whose last successful sync is older than
 * `maxAgeMs` (or that was never reconciled) is read back. Idempotent, so two workers doing it
 * at once only repeat work; failures are reported per system and retried next time.
 */
export async function reconcileDue(db: Queryable, maxAgeMs: number, now = new Date()) {
  const due = (await db.select({ key: applications.key, at: applications.lastReconciledAt, enabled: applications.enabled }).from(applications))
    .filter((a) => a.enabled && (!a.at || now.getTime() - a.at.getTime() > maxAgeMs))
    .map((a) => a.key);
  return due.length ? reconcileAll(db, { keys: due }) : [];
}

/** People planned per planner call in a reconcile's re-plan (memory stays flat at any organisation size). */
const PLAN_CHUNK = 2000;

/** Rows written in one run from which the tables' planner statistics are refreshed (see analyze). */
const BULK_ROWS = 5000;

/**
 * ANALYZE inside the caller's transaction (PostgreSQL and PGlite allow it there, and it counts the transaction's own
 * rows). In a savepoint: where the database role may not analyze, the run goes on with the old statistics.
 */
async function analyze(tx: Queryable, tables: Array<"accounts" | "account_entitlements" | "grants">): Promise<void> {
  try {
    await tx.transaction((sp) => sp.execute(sql.raw(`ANALYZE ${tables.join(", ")}`)));
  } catch {
    // not the tables' owner: keep going
  }
}

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** One UPDATE for many accounts (reconciliation's read-back of what the target holds). */
async function updateAccounts(tx: Queryable, rows: Array<{ id: string; personId: string | null; externalId: string; status: string; disabledAt: Date | null; reconState: string; lastLoginAt: Date | null; lastLoginSource: string | null }>, now: Date) {
  if (!rows.length) return;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const values = sql.join(
    rows.map((r) => sql`(${r.id}::uuid, ${r.personId}::uuid, ${r.externalId}::text, ${r.status}::text, ${iso(r.disabledAt)}::timestamptz, ${r.reconState}::text, ${iso(r.lastLoginAt)}::timestamptz, ${r.lastLoginSource}::text)`),
    sql`, `,
  );
  await tx.execute(sql`
    UPDATE accounts a SET person_id = v.person_id, external_id = v.external_id, status = v.status::account_status,
      disabled_at = v.disabled_at, recon_state = v.recon_state, last_login_at = v.last_login_at, last_login_source = v.last_login_source,
      updated_at = ${now.toISOString()}::timestamptz
    FROM (VALUES ${values}) AS v(id, person_id, external_id, status, disabled_at, recon_state, last_login_at, last_login_source)
    WHERE a.id = v.id`);
}
