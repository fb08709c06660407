/**
 * Mass-change guard (issue 10): one run — an HR import, a webhook or SCIM batch, a role apply, a reconcile
 * remediation, a sweep — that would remove a lot of access at once is HELD instead of executed, until an admin
 * reads its list of changes (Admin → Held runs) and releases or cancels it.
 *
 * Input: the run's removals — operations it planned (revoke, disable, delete) and grants it revoked or scheduled for
 * removal — and the number of active people. Held when, with the thresholds of lib/env.ts (README):
 *   - more than GATEHOUSE_GUARD_MAX_ACCOUNTS (25) distinct accounts would be disabled or deleted, or
 *   - more than GATEHOUSE_GUARD_MAX_ACCOUNTS (25) distinct accounts (person × application) would lose access at all
 *     (disabled, deleted or a membership removed), or
 *   - at least GATEHOUSE_GUARD_MIN_PEOPLE (5) people, and more than GATEHOUSE_GUARD_PEOPLE_PCT (5) % of the active
 *     people, would lose something.
 * Grants are counted by the accounts they live on, not one by one: a leaver losing 40 entitlements in 12 systems is
 * 12 accounts of one person (leavers lose access at once), while 30 people losing one entitlement each is held.
 * Callers compute the run inside a transaction, ask `assessRemovals`, and on a hold throw `HoldRun` so the
 * transaction (or the savepoint around the run's part) rolls back; `holdRun` then stores the run's input, counts and
 * list (names resolved) and audits it. Release re-runs the stored input with the guard off (release.ts).
 * Complexity: O(removals) plus one count and three name lookups.
 */
import { inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { rowsOf } from "@/db/client";
import { applications, entitlements, heldRuns, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { PlannedOperation } from "@/lib/domain/planner";
import { guardThresholds } from "@/lib/env";

export type Removal = {
  kind: "revoke" | "disable" | "delete" | "grant.revoked" | "grant.scheduled";
  personId: string | null;
  applicationId?: string | null;
  entitlementId?: string | null;
  accountId?: string | null;
};

export type GuardVerdict = {
  held: boolean;
  people: number;
  accounts: number;
  grants: number;
  activePeople: number;
  reasons: string[];
};

/** Operations counted by kind (a preview's and an apply's "operations by kind"). */
export function countKinds(ops: Array<{ kind: string }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of ops) out[o.kind] = (out[o.kind] ?? 0) + 1;
  return out;
}

export function removalsOfPlan(ops: PlannedOperation[]): Removal[] {
  return ops
    .filter((o) => o.kind === "revoke" || o.kind === "disable" || o.kind === "delete")
    .map((o) => ({ kind: o.kind as Removal["kind"], personId: o.personId, applicationId: o.applicationId, entitlementId: o.entitlementId, accountId: o.accountId }));
}

/**
 * Distinct people, accounts disabled or deleted, grants (person × entitlement), and accounts touched at all
 * (person × application: disabled, deleted or losing a membership) a run removes. `appOf` maps an entitlement to its
 * application for removals that do not name one.
 */
export function countRemovals(removals: Removal[], appOf: (entitlementId: string) => string | undefined = () => undefined): { people: string[]; accounts: number; grants: number; touched: number } {
  const accounts = new Set<string>();
  const grantKeys = new Set<string>();
  const touched = new Set<string>();
  const who = new Set<string>();
  for (const r of removals) {
    if (r.personId) who.add(r.personId);
    const app = r.applicationId ?? (r.entitlementId ? appOf(r.entitlementId) : undefined) ?? `ent:${r.entitlementId}`;
    touched.add(`${r.personId}|${app}`);
    if (r.kind === "disable" || r.kind === "delete") accounts.add(r.accountId ?? `${r.personId}|${r.applicationId}`);
    else grantKeys.add(`${r.personId}|${r.entitlementId}`);
  }
  return { people: [...who], accounts: accounts.size, grants: grantKeys.size, touched: touched.size };
}

/** The rule itself (pure): held when any threshold is exceeded; the reasons say which. */
export function judge(c: { people: number; accounts: number; grants: number; touched?: number }, activePeople: number, t: { peoplePct: number; minPeople: number; maxAccounts: number }): string[] {
  const reasons: string[] = [];
  if (c.accounts > t.maxAccounts) reasons.push(`${c.accounts} accounts would be disabled or deleted (more than ${t.maxAccounts})`);
  else if ((c.touched ?? 0) > t.maxAccounts) reasons.push(`${c.touched} accounts would lose access or memberships (more than ${t.maxAccounts})`);
  if (c.people >= t.minPeople && c.people > (t.peoplePct / 100) * activePeople) {
    reasons.push(`${c.people} of ${activePeople} active people would lose access (more than ${t.peoplePct}%)`);
  }
  return reasons;
}

export async function assessRemovals(tx: Queryable, removals: Removal[], t = guardThresholds()): Promise<GuardVerdict> {
  const entIds = [...new Set(removals.filter((r) => !r.applicationId && r.entitlementId).map((r) => r.entitlementId!))];
  const appOfEnt = new Map<string, string>();
  for (let i = 0; i < entIds.length; i += 1000) {
    for (const e of await tx.select({ id: entitlements.id, app: entitlements.applicationId }).from(entitlements).where(inArray(entitlements.id, entIds.slice(i, i + 1000)))) appOfEnt.set(e.id, e.app);
  }
  const c = countRemovals(removals, (id) => appOfEnt.get(id));
  const empty = { held: false, people: c.people.length, accounts: c.accounts, grants: c.grants, activePeople: 0, reasons: [] };
  if (removals.length === 0) return empty;
  // Active before the run: a run (an HR batch) may already have marked the people it removes as leavers.
  const ids = c.people;
  const [row] = rowsOf<{ n: number | string }>(
    await tx.execute(sql`SELECT count(*) AS n FROM people WHERE status = 'active' OR ${ids.length ? sql`id IN (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})` : sql`false`}`),
  );
  const activePeople = Number(row?.n ?? 0);
  const reasons = judge({ people: ids.length, accounts: c.accounts, grants: c.grants, touched: c.touched }, activePeople, t);
  return { ...empty, activePeople, held: reasons.length > 0, reasons };
}

/** Thrown inside the run's transaction so it rolls back; the caller then stores the run with `holdRun`. */
export class HoldRun extends Error {
  constructor(
    public readonly verdict: GuardVerdict,
    public readonly removals: Removal[],
    public readonly counts: Record<string, number> = {},
  ) {
    super(`held: ${verdict.reasons.join("; ")}`);
    this.name = "HoldRun";
  }
}

export const HELD_CHANGES_CAP = 2000;

/** Store a held run (its input, counts and the removals with names) and audit it. Returns its id. */
export async function holdRun(
  tx: Queryable,
  run: { kind: string; title: string; input: Record<string, unknown>; actorId: string | null; actorKind: "person" | "system" | "worker" | "api" | "cli"; hold: HoldRun },
): Promise<string> {
  const list = run.hold.removals.slice(0, HELD_CHANGES_CAP);
  const ids = (f: (r: Removal) => string | null | undefined) => [...new Set(list.map(f).filter((x): x is string => Boolean(x)))];
  const [ps, apps, ents] = await Promise.all([
    ids((r) => r.personId).length ? tx.select({ id: people.id, name: people.displayName }).from(people).where(inArray(people.id, ids((r) => r.personId))) : [],
    ids((r) => r.applicationId).length ? tx.select({ id: applications.id, name: applications.name }).from(applications).where(inArray(applications.id, ids((r) => r.applicationId))) : [],
    ids((r) => r.entitlementId).length ? tx.select({ id: entitlements.id, name: entitlements.name }).from(entitlements).where(inArray(entitlements.id, ids((r) => r.entitlementId))) : [],
  ]);
  const name = (rows: Array<{ id: string; name: string }>) => new Map(rows.map((r) => [r.id, r.name]));
  const [pn, an, en] = [name(ps), name(apps), name(ents)];
  const changes = list.map((r) => ({
    kind: r.kind,
    personId: r.personId,
    person: r.personId ? (pn.get(r.personId) ?? r.personId) : null,
    application: r.applicationId ? (an.get(r.applicationId) ?? r.applicationId) : null,
    entitlement: r.entitlementId ? (en.get(r.entitlementId) ?? r.entitlementId) : null,
  }));
  const v = run.hold.verdict;
  const summary = { ...run.hold.counts, people: v.people, accounts: v.accounts, grants: v.grants, activePeople: v.activePeople, removals: run.hold.removals.length };
  const [row] = await tx
    .insert(heldRuns)
    .values({ kind: run.kind, title: run.title, input: run.input, summary, changes, createdById: run.actorId })
    .returning({ id: heldRuns.id });
  await recordAudit(tx, {
    actorId: run.actorId, actorKind: run.actorKind, action: "run.held", targetKind: "held_run", targetId: row!.id,
    data: { kind: run.kind, title: run.title, summary, reasons: v.reasons },
  });
  return row!.id;
}
