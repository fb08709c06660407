/**
 * Drift: the difference between the DESIRED state (active grants, the person's status) and what a target really
 * holds, as read back by reconciliation. Called by reconcileApplication in its transaction, after the actual state
 * (accounts, account_entitlements) was brought up to date with the target.
 *
 * Findings (one per account, or per account and entitlement):
 *   leaver_active          a terminated person's account is active
 *   unexpected_membership  an active account holds an entitlement its person has no active grant for
 *   missing_membership     an active, non-terminated person's grant is not held in the target
 *   orphan_account         an active account that belongs to nobody (and is not marked unmanaged)
 *
 * Persistence (drift_findings): a finding seen again is refreshed (last_seen_at); one no longer seen is resolved;
 * an accepted exception is not drift until its expiry, then open again if still present. People with an
 * operation in flight in this application are left as they were (their state is about to change).
 * Accounts with open findings get recon_state 'drift' (the Systems page's drift %), the others 'matched'.
 *
 * Complexity: O(accounts + memberships + grants of the application), a handful of queries.
 */
import { and, eq, gt, inArray, isNull, ne, or, sql } from "drizzle-orm";
import { uuidArray, type Queryable } from "@/db/client";
import { accountEntitlements, accounts, driftFindings, entitlements, grants, people, type Application, type DriftKind } from "@/db/schema";

export type Finding = {
  key: string;
  kind: DriftKind;
  accountId: string | null;
  personId: string | null;
  entitlementId: string | null;
  detail: string;
};

export type FindingView = Finding & { id: string; status: "open" | "accepted"; firstSeenAt: string; acceptedUntil: string | null };

export const findingKey = (appId: string, kind: DriftKind, subject: string, entitlementId: string | null) => `${appId}:${kind}:${subject}:${entitlementId ?? "-"}`;

/** What the target shows against what is desired, for one application (no writes). */
export async function computeFindings(tx: Queryable, app: Application, now: Date, skipPeople: Set<string>): Promise<Finding[]> {
  const [accs, ents] = await Promise.all([
    tx.select().from(accounts).where(and(eq(accounts.applicationId, app.id), ne(accounts.status, "deleted"))),
    tx.select({ id: entitlements.id, name: entitlements.name, removedAt: entitlements.removedAt }).from(entitlements).where(eq(entitlements.applicationId, app.id)),
  ]);
  const entName = new Map(ents.map((e) => [e.id, e.name]));
  // Discovery marked these removed in the system: a grant of one is not wanted there (the planner skips it too).
  const removedEnts = new Set(ents.filter((e) => e.removedAt).map((e) => e.id));
  const entIds = ents.map((e) => e.id);
  // Read by application (joins), never by a list of every account or person id: one bind parameter, not 20,000.
  const [held, active, ppl] = await Promise.all([
    accs.length
      ? tx
          .select({ accountId: accountEntitlements.accountId, entitlementId: accountEntitlements.entitlementId })
          .from(accountEntitlements)
          .innerJoin(accounts, eq(accounts.id, accountEntitlements.accountId))
          .where(and(eq(accounts.applicationId, app.id), ne(accounts.status, "deleted")))
      : Promise.resolve([]),
    entIds.length
      ? tx
          .select({ personId: grants.personId, entitlementId: grants.entitlementId })
          .from(grants)
          .where(and(inArray(grants.entitlementId, entIds), eq(grants.status, "active"), or(isNull(grants.expiresAt), gt(grants.expiresAt, now))))
      : Promise.resolve([]),
    // The people with an account here or a grant of one of its entitlements.
    tx
      .select({ id: people.id, status: people.status, name: people.displayName })
      .from(people)
      .where(
        sql`${people.id} IN (SELECT a.person_id FROM accounts a WHERE a.application_id = ${app.id} AND a.status <> 'deleted' AND a.person_id IS NOT NULL
              UNION SELECT g.person_id FROM grants g JOIN entitlements e ON e.id = g.entitlement_id WHERE e.application_id = ${app.id} AND g.status = 'active')`,
      ),
  ]);
  const person = new Map(ppl.map((p) => [p.id, p]));
  const granted = new Set(active.map((g) => `${g.personId}|${g.entitlementId}`));
  const heldBy = new Map<string, Set<string>>();
  for (const h of held) (heldBy.get(h.accountId) ?? heldBy.set(h.accountId, new Set()).get(h.accountId)!).add(h.entitlementId);
  const live = new Map<string, (typeof accs)[number]>(); // the person's account here (active first)
  for (const a of accs) if (a.personId && (!live.has(a.personId) || a.status === "active")) live.set(a.personId, a);

  const out: Finding[] = [];
  const add = (kind: DriftKind, a: (typeof accs)[number] | null, personId: string | null, entitlementId: string | null, detail: string) =>
    out.push({ key: findingKey(app.id, kind, a?.id ?? personId ?? "-", entitlementId), kind, accountId: a?.id ?? null, personId, entitlementId, detail });

  for (const a of accs) {
    if (a.personId && skipPeople.has(a.personId)) continue;
    if (!a.personId) {
      if (a.status === "active" && a.reconState !== "unmanaged") add("orphan_account", a, null, null, `account ${a.username} is active and belongs to nobody known`);
      continue;
    }
    const p = person.get(a.personId);
    if (a.status !== "active") continue; // a disabled account gives no access
    if (p?.status === "terminated") {
      add("leaver_active", a, a.personId, null, `${p.name} left but account ${a.username} is still active`);
      continue;
    }
    for (const e of heldBy.get(a.id) ?? []) {
      if (!granted.has(`${a.personId}|${e}`)) add("unexpected_membership", a, a.personId, e, `${a.username} holds ${entName.get(e) ?? e} in the system without a grant in the portal`);
    }
  }
  for (const g of active) {
    if (skipPeople.has(g.personId) || removedEnts.has(g.entitlementId)) continue;
    const p = person.get(g.personId);
    if (!p || p.status === "terminated" || p.status === "pre_hire") continue;
    const a = live.get(g.personId);
    if (a && a.status !== "active") continue; // disabled on purpose (e.g. on leave): not a missing membership
    if (!a || !(heldBy.get(a.id)?.has(g.entitlementId) ?? false)) {
      add("missing_membership", a ?? null, g.personId, g.entitlementId, `${p.name} is granted ${entName.get(g.entitlementId) ?? g.entitlementId} but ${a ? `account ${a.username} does not hold it` : "has no account"} in the system`);
    }
  }
  return out;
}

/** Store the findings of this reconciliation (see the file comment). Returns the live ones (open or accepted). */
export async function recordFindings(tx: Queryable, app: Application, found: Finding[], now: Date, skipPeople: Set<string>): Promise<FindingView[]> {
  const existing = await tx.select().from(driftFindings).where(and(eq(driftFindings.applicationId, app.id), inArray(driftFindings.status, ["open", "accepted"])));
  const byKey = new Map(existing.map((f) => [f.key, f]));
  const seen = new Set<string>();
  const out: FindingView[] = [];
  const fresh = found.filter((f) => !byKey.has(f.key));
  const inserted = fresh.length
    ? await tx
        .insert(driftFindings)
        .values(fresh.map((f) => ({ ...f, applicationId: app.id, firstSeenAt: now, lastSeenAt: now })))
        .onConflictDoNothing()
        .returning()
    : [];
  for (const r of inserted) out.push(view(r));
  for (const f of found) {
    seen.add(f.key);
    const old = byKey.get(f.key);
    if (!old) continue;
    const expired = old.status === "accepted" && old.acceptedUntil !== null && old.acceptedUntil <= now;
    const status = expired ? ("open" as const) : (old.status as "open" | "accepted");
    out.push(view({ ...old, ...f, status }));
  }
  const stillIds = existing.filter((f) => seen.has(f.key)).map((f) => f.id);
  if (stillIds.length) await tx.update(driftFindings).set({ lastSeenAt: now }).where(sql`${driftFindings.id} = ANY(${uuidArray(stillIds)})`);
  const reopened = existing.filter((f) => seen.has(f.key) && f.status === "accepted" && f.acceptedUntil && f.acceptedUntil <= now).map((f) => f.id);
  if (reopened.length) await tx.update(driftFindings).set({ status: "open" }).where(sql`${driftFindings.id} = ANY(${uuidArray(reopened)})`);
  const gone = existing.filter((f) => !seen.has(f.key) && !(f.personId && skipPeople.has(f.personId))).map((f) => f.id);
  if (gone.length) await tx.update(driftFindings).set({ status: "resolved", resolvedAt: now }).where(sql`${driftFindings.id} = ANY(${uuidArray(gone)})`);

  // recon_state follows the open findings (accepted exceptions are not drift).
  const drifted = [...new Set(out.filter((f) => f.status === "open" && f.accountId).map((f) => f.accountId!))];
  await tx
    .update(accounts)
    .set({ reconState: "matched" })
    .where(and(eq(accounts.applicationId, app.id), eq(accounts.reconState, "drift"), ne(accounts.status, "deleted"), sql`${accounts.personId} IS NOT NULL`, sql`${accounts.id} <> ALL(${uuidArray(drifted)})`));
  if (drifted.length) await tx.update(accounts).set({ reconState: "drift" }).where(and(sql`${accounts.id} = ANY(${uuidArray(drifted)})`, sql`${accounts.personId} IS NOT NULL`));
  return out;
}

function view(r: typeof driftFindings.$inferSelect): FindingView {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind,
    accountId: r.accountId,
    personId: r.personId,
    entitlementId: r.entitlementId,
    detail: r.detail,
    status: r.status === "accepted" ? "accepted" : "open",
    firstSeenAt: r.firstSeenAt.toISOString(),
    acceptedUntil: r.acceptedUntil?.toISOString() ?? null,
  };
}
