/**
 * Access findings over the live organisation, each with its reasons, paginated:
 *  - outliers: people whose access differs most from their peers (findOutliers), with the entitlements that make
 *    them differ and the share of peers holding each;
 *  - dormant: active grants not used for ≥ `days` (default 90), or never used and granted ≥ `days` ago;
 *  - drift: access outside every role the person's attributes give (published roles via enabled birthright
 *    rules). Grants from approved requests and reviews are left out: an approver already justified them.
 * Only people who have not left are considered (leavers are the lifecycle's business).
 *
 * Justified exceptions (markFindingException) are audit events `finding.exception` with
 * {kind, personId, entitlementId|null, reason, expiresAt}; an unexpired one hides the matching finding
 * (entitlementId null: every entitlement of that person for that kind). No extra table: the audit log is the record.
 * Complexity: one bulk load (people, active grants, rules, role contents, exceptions) then O(grants + people × rules).
 */
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { organisationFacts } from "@/db/queries/reviews";
import { applications, auditEvents, entitlements, grants, people } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can, has } from "@/lib/auth/can";
import { findDormant, findDrift, findOutliers } from "@/lib/domain/mining/peers";
import { resolveRoles } from "@/lib/domain/policy";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export const FINDING_KINDS = ["outliers", "dormant", "drift"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const listFindingsInput = z.object({
  kind: z.enum(FINDING_KINDS).default("outliers"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
  days: z.coerce.number().int().min(1).max(3650).default(90),
});

export type FindingEntitlement = { entitlementId: string; name: string; application: string; grantId?: string; peerShare?: number; daysSinceUse?: number | null; daysSinceGrant?: number | null };
export type FindingItem = {
  key: string;
  kind: FindingKind;
  personId: string;
  personName: string;
  department: string;
  title: string;
  score?: number;
  peerGroup?: string;
  entitlements: FindingEntitlement[];
  reasons: string[];
};

/** Unexpired exceptions as "kind|personId|entitlementId-or-*". */
async function activeExceptions(db: Queryable, now: Date): Promise<Set<string>> {
  const rows = await db.select({ data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.action, "finding.exception"));
  const out = new Set<string>();
  for (const r of rows) {
    const d = r.data as { kind?: string; personId?: string; entitlementId?: string | null; expiresAt?: string };
    if (!d.kind || !d.personId || !d.expiresAt || Date.parse(d.expiresAt) <= now.getTime()) continue;
    out.add(`${d.kind}|${d.personId}|${d.entitlementId ?? "*"}`);
  }
  return out;
}

export async function listFindings({ ctx, input, now = new Date() }: { ctx: Ctx; input?: unknown; now?: Date }) {
  if (!can(ctx.actor, "analytics.run")) throw new ForbiddenError("Only admins, security and auditors can see access findings.");
  const p = listFindingsInput.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid filter");
  const { kind, page, pageSize, days } = p.data;

  const [org, live, catalogue, exceptions] = await Promise.all([
    organisationFacts(ctx.db),
    ctx.db
      .select({ id: grants.id, personId: grants.personId, entitlementId: grants.entitlementId, source: grants.source, grantedAt: grants.grantedAt, lastUsedAt: grants.lastUsedAt })
      .from(grants)
      .innerJoin(people, eq(people.id, grants.personId))
      .where(and(eq(grants.status, "active"), ne(people.status, "terminated"))),
    ctx.db.select({ id: entitlements.id, name: entitlements.name, application: applications.name }).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId)),
    activeExceptions(ctx.db, now),
  ]);
  const persons = org.persons.filter((x) => x.status !== "terminated");
  const personById = new Map(persons.map((x) => [x.id, x]));
  const entById = new Map(catalogue.map((e) => [e.id, e]));
  const entLabel = (id: string) => (entById.get(id) ? `${entById.get(id)!.application} ${entById.get(id)!.name}` : id);
  // Domain reasons name ids; show names instead.
  const humanise = (s: string, personId: string, entIds: string[]) => {
    let out = s.split(personId).join(personById.get(personId)?.displayName ?? personId);
    for (const e of entIds) out = out.split(e).join(entLabel(e));
    return out;
  };
  const excepted = (personId: string, entId: string) => exceptions.has(`${kind}|${personId}|*`) || exceptions.has(`${kind}|${personId}|${entId}`);
  const ent = (id: string, extra: Partial<FindingEntitlement> = {}): FindingEntitlement => ({ entitlementId: id, name: entById.get(id)?.name ?? id, application: entById.get(id)?.application ?? "", ...extra });
  const base = (personId: string) => {
    const x = personById.get(personId);
    return { personId, personName: x?.displayName ?? personId, department: x?.department ?? "", title: x?.title ?? "" };
  };

  let items: FindingItem[] = [];
  if (kind === "dormant") {
    const grantId = new Map(live.map((g) => [`${g.personId}|${g.entitlementId}`, g.id]));
    for (const f of findDormant(live.map((g) => ({ person: g.personId, entitlement: g.entitlementId, grantedAt: g.grantedAt, lastUsed: g.lastUsedAt })), { now, days })) {
      if (excepted(f.person, f.entitlement)) continue;
      items.push({
        key: `dormant|${f.person}|${f.entitlement}`, kind, ...base(f.person),
        entitlements: [ent(f.entitlement, { grantId: grantId.get(`${f.person}|${f.entitlement}`), daysSinceUse: f.daysSinceUse, daysSinceGrant: f.daysSinceGrant })],
        reasons: f.reasons.map((r) => humanise(r, f.person, [f.entitlement])),
      });
    }
  } else {
    const access = new Map<string, Set<string>>();
    const add = (m: Map<string, Set<string>>, k: string, v: string) => {
      let s = m.get(k);
      if (!s) m.set(k, (s = new Set()));
      s.add(v);
    };
    if (kind === "outliers") {
      for (const g of live) add(access, g.personId, g.entitlementId);
      for (const f of findOutliers(persons, access)) {
        const unusual = f.unusual.filter((u) => !excepted(f.person, u.entitlement));
        if (!unusual.length || f.score <= 0) continue;
        items.push({
          key: `outliers|${f.person}`, kind, ...base(f.person), score: Math.round(f.score * 100) / 100,
          peerGroup: `${f.peerGroup.name || f.peerGroup.basis} (${f.peerGroup.size} peers)`,
          entitlements: unusual.map((u) => ent(u.entitlement, { peerShare: u.peerShare })),
          reasons: f.reasons.map((r) => humanise(r, f.person, [...f.unusual, ...f.missing].map((u) => u.entitlement))),
        });
      }
    } else {
      for (const g of live) if (g.source !== "request" && g.source !== "review") add(access, g.personId, g.entitlementId);
      const roleEnts = new Map<string, string[]>();
      for (const r of org.roleEnts) roleEnts.set(r.roleId, [...(roleEnts.get(r.roleId) ?? []), r.entitlementId]);
      const expected = new Map<string, Set<string>>();
      for (const x of persons) {
        const s = new Set<string>();
        for (const roleId of resolveRoles({ ...x, attributes: x.attributes ?? {} }, org.rules).keys()) for (const e of roleEnts.get(roleId) ?? []) s.add(e);
        expected.set(x.id, s);
      }
      for (const f of findDrift(access, expected)) {
        const outside = f.outside.filter((e) => !excepted(f.person, e));
        if (!outside.length) continue;
        items.push({
          key: `drift|${f.person}`, kind, ...base(f.person),
          entitlements: outside.map((e) => ent(e)),
          reasons: f.reasons.filter((_, i) => outside.includes(f.outside[i]!)).map((r) => humanise(r, f.person, outside)),
        });
      }
    }
  }
  const total = items.length;
  items = items.slice((page - 1) * pageSize, page * pageSize);
  return { kind, days, page, pageSize, total, pages: Math.max(1, Math.ceil(total / pageSize)), items };
}

export const findingExceptionInput = z.object({
  kind: z.enum(FINDING_KINDS),
  personId: z.string().uuid(),
  entitlementId: z.string().uuid().nullable().default(null),
  reason: z.string().trim().min(5, "Say why this access is justified").max(1000),
  expiresAt: z.coerce.date(),
});

/** Record a justified exception (admins and security; auditors only read). Hidden from the lists until it expires. */
export async function markFindingException({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  if (!can(ctx.actor, "analytics.run") || !(has(ctx.actor, "admin") || has(ctx.actor, "security"))) throw new ForbiddenError("Only admins and security can accept exceptions.");
  const p = findingExceptionInput.safeParse(input);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid exception", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  if (p.data.expiresAt.getTime() <= now.getTime()) throw new ValidationError("The expiry must be in the future.", { expiresAt: "Must be in the future" });
  if (p.data.expiresAt.getTime() > now.getTime() + 366 * 86_400_000) throw new ValidationError("An exception lasts at most a year.", { expiresAt: "At most a year" });
  const data = { kind: p.data.kind, personId: p.data.personId, entitlementId: p.data.entitlementId, reason: p.data.reason, expiresAt: p.data.expiresAt.toISOString() };
  await ctx.db.transaction(async (tx) => {
    await recordAudit(tx, { actorId: ctx.actor.personId, actorKind: "person", action: "finding.exception", targetKind: "person", targetId: p.data.personId, data });
  });
  return data;
}
