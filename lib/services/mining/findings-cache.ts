/**
 * Outliers and drift over the whole organisation, computed by the domain functions (findOutliers, findDrift)
 * and kept in the findings cache (db/queries/findings-cache.ts) until an input changes.
 *
 * - computeOutliers / computeDrift: the findings in the domain's order, before exceptions (which only hide
 *   entitlements, and findings left with none, at read time). O(grants + people × rules) in memory, as before.
 * - findingsPage: one page for `kind`. When the cache is fresh (no transaction that changed an input committed
 *   after the snapshot it was computed in) it reads the page's rows by rank; otherwise it recomputes first, in one
 *   REPEATABLE READ transaction (the reads and the snapshot stamped on the cache are the same snapshot), one
 *   process at a time per kind (advisory lock; the others wait for it, then read). Inside a caller's transaction,
 *   or after repeated write conflicts, it computes without the cache: the answer is the same.
 */
import { ne, sql } from "drizzle-orm";
import { rowsOf, type Db, type Queryable } from "@/db/client";
import { activeAccessByPerson } from "@/db/queries/findings";
import { cachedFindingsPage, findingsCacheFresh, writeFindingsCache, type CachedKind, type CachedRow } from "@/db/queries/findings-cache";
import { idpGroupsOfPeople } from "@/db/queries/idp-groups";
import { activeBirthrightRules } from "@/db/queries/rules";
import { people, roleEntitlements } from "@/db/schema";
import { findDrift, findOutliers, type OutlierFinding } from "@/lib/domain/mining/peers";
import { attributeValue, IDP_GROUP_ATTRIBUTE, resolveRoles } from "@/lib/domain/policy";
import { sqlStateOf } from "@/lib/errors";

export type CachedOutlier = Pick<OutlierFinding, "score" | "peerGroup" | "unusual" | "missing">;
/** Drift of one person: the entitlements outside every role their attributes give, each with its reason. */
export type CachedDrift = { outside: string[]; reasons: string[] };

/** Everyone who has not left, with what peer groups and rules read; their access (leavers' grants left out). */
async function organisation(db: Queryable, opts: { attributes: boolean; excludeSources?: string[] }) {
  const [persons, access] = await Promise.all([
    db
      .select({
        id: people.id, displayName: people.displayName, department: people.department, title: people.title, level: people.level, location: people.location,
        employmentType: people.employmentType, status: people.status, costCenter: people.costCenter,
        // Only drift's rules read the free-form attributes (20,000 JSON documents otherwise parsed for nothing).
        attributes: opts.attributes ? people.attributes : sql<null>`NULL::jsonb`,
      })
      .from(people)
      .where(ne(people.status, "terminated")),
    activeAccessByPerson(db, opts.excludeSources ? { excludeSources: opts.excludeSources } : {}),
  ]);
  const ids = new Set(persons.map((p) => p.id));
  for (const id of [...access.keys()]) if (!ids.has(id)) access.delete(id); // leavers' grants are the lifecycle's business
  return { persons, access };
}

/** Outliers with at least one unusual entitlement and a positive score, strongest first (reasons: explainOutlier). */
export async function computeOutliers(db: Queryable): Promise<Array<CachedRow<CachedOutlier>>> {
  const { persons, access } = await organisation(db, { attributes: false });
  return findOutliers(persons, access, { reasons: false })
    .filter((f) => f.unusual.length > 0 && f.score > 0)
    .map((f) => ({ personId: f.person, entitlementIds: f.unusual.map((u) => u.entitlement), finding: { score: f.score, peerGroup: f.peerGroup, unusual: f.unusual, missing: f.missing } }));
}

/**
 * Drift: access outside every role the person's attributes give (published roles via enabled birthright rules),
 * request and review grants left out (an approver already justified them), most entitlements first.
 */
export async function computeDrift(db: Queryable): Promise<Array<CachedRow<CachedDrift>>> {
  const [{ persons, access }, rules, roleEnts, groupsOf] = await Promise.all([
    organisation(db, { attributes: true, excludeSources: ["request", "review"] }),
    activeBirthrightRules(db),
    db.select({ roleId: roleEntitlements.roleId, entitlementId: roleEntitlements.entitlementId }).from(roleEntitlements),
    idpGroupsOfPeople(db),
  ]);
  const entsOfRole = new Map<string, string[]>();
  for (const r of roleEnts) entsOfRole.set(r.roleId, [...(entsOfRole.get(r.roleId) ?? []), r.entitlementId]);
  // Rules read only the attributes their conditions name (and the status): people alike in those get the same
  // roles, so the rules run once per distinct combination, not once per person.
  const named = [...new Set(rules.flatMap((r) => r.conditions.map((c) => c.attribute)))];
  const expected = new Map<string, Set<string>>();
  const bySignature = new Map<string, Set<string>>();
  for (const x of persons) {
    const p = { ...x, attributes: x.attributes ?? {}, idpGroups: groupsOf.get(x.id) ?? [] };
    const signature = JSON.stringify([p.status, ...named.map((a) => {
      const v = a === IDP_GROUP_ATTRIBUTE ? p.idpGroups : attributeValue(p, a);
      return [typeof v, v ?? null]; // undefined and null differ for the rules (Number(null) is 0)
    })]);
    let s = bySignature.get(signature);
    if (!s) {
      s = new Set<string>();
      for (const roleId of resolveRoles(p, rules).keys()) for (const e of entsOfRole.get(roleId) ?? []) s.add(e);
      bySignature.set(signature, s);
    }
    expected.set(x.id, s);
  }
  return findDrift(access, expected).map((f) => ({ personId: f.person, entitlementIds: f.outside, finding: { outside: f.outside, reasons: f.reasons } }));
}

const COMPUTE = { outliers: computeOutliers, drift: computeDrift } as const;
const LOCK_CLASS = 0x46494e44; // "FIND": advisory lock class of the findings cache; the kind is the second key
const LOCK_KIND: Record<CachedKind, number> = { outliers: 1, drift: 2 };
const isTransaction = (db: Queryable) => typeof (db as { rollback?: unknown }).rollback === "function";

/** Make the cache of `kind` fresh (recomputing it when an input changed); false when it cannot be used here. */
export async function ensureFindingsCache(db: Queryable, kind: CachedKind): Promise<boolean> {
  if (isTransaction(db)) return false; // a caller's transaction cannot be made REPEATABLE READ from here
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await findingsCacheFresh(db, kind)) return true;
    try {
      const computed = await (db as Db).transaction(
        async (tx) => {
          // First statement: the snapshot is taken here, before the computation reads anything.
          const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${LOCK_CLASS}::int, ${LOCK_KIND[kind]}::int) AS ok`));
          if (!lock?.ok) return false;
          await writeFindingsCache<unknown>(tx, kind, await COMPUTE[kind](tx));
          return true;
        },
        { isolationLevel: "repeatable read" },
      );
      if (computed) return true;
      // Another process is computing it: wait until it has committed, then look again.
      await (db as Db).transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, ${LOCK_KIND[kind]}::int)`);
      });
    } catch (e) {
      // Two writers crossed (serialization failure, deadlock, a row written meanwhile): try again.
      if (!["40001", "40P01", "23505"].includes(sqlStateOf(e) ?? "")) throw e;
    }
  }
  return false;
}

/** Keys "personId|entitlementId" and "personId|*" of `kind`'s unexpired exceptions hide entitlements; a finding left with none is hidden. */
function pageOf<F>(rows: Array<CachedRow<F>>, opts: { page: number; pageSize: number; excepted: string[] }) {
  const ex = new Set(opts.excepted);
  const shown = rows.filter((r) => !ex.has(`${r.personId}|*`) && r.entitlementIds.some((e) => !ex.has(`${r.personId}|${e}`)));
  return { total: shown.length, rows: shown.slice((opts.page - 1) * opts.pageSize, opts.page * opts.pageSize).map((r) => ({ personId: r.personId, finding: r.finding })) };
}

/** One page of outliers or drift findings in rank order, with the total, exceptions left out (see pageOf). */
export async function findingsPage<K extends CachedKind>(db: Queryable, kind: K, opts: { page: number; pageSize: number; excepted: string[] }) {
  type F = K extends "outliers" ? CachedOutlier : CachedDrift;
  if (await ensureFindingsCache(db, kind)) return cachedFindingsPage<F>(db, kind, opts);
  return pageOf((await COMPUTE[kind](db)) as Array<CachedRow<F>>, opts);
}
