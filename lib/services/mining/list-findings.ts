/**
 * Access findings over the live organisation, each with its reasons, paginated:
 *  - outliers: people whose access differs most from their peers (findOutliers), with the entitlements that make
 *    them differ, the share of peers holding each and, where last use is known, how long each has gone unused
 *    (rare and unused for ≥ `days` is said in the reasons);
 *  - dormant: active grants not used for ≥ `days` (default 90), or never used and granted ≥ `days` ago;
 *  - drift: access outside every role the person's attributes give (published roles via enabled birthright
 *    rules). Grants from approved requests and reviews are left out: an approver already justified them.
 * Only people who have not left are considered (leavers are the lifecycle's business).
 *
 * Justified exceptions (markFindingException) are audit events `finding.exception` with
 * {kind, personId, entitlementId|null, reason, expiresAt}; an unexpired one hides the matching finding
 * (entitlementId null: every entitlement of that person for that kind). No extra table: the audit log is the record.
 * Complexity: dormant is filtered, counted and paginated in SQL (the page's rows only); outliers and drift are
 * computed over everyone's access (findings-cache.ts: O(grants + people × rules) in memory) when an input has
 * changed since they were last computed, and cached; a page then reads its rows by rank.
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { dormantGrantsPage } from "@/db/queries/findings";
import { applications, auditEvents, entitlements, grants, people } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can, has } from "@/lib/auth/can";
import { explainOutlier, findDormant } from "@/lib/domain/mining/peers";
import { dayOrDateTime, text } from "@/lib/validation";
import { findingsPage } from "./findings-cache";
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

/** Names for findings: people and entitlements by id, and reasons with ids replaced by names. */
function labeller(
  catalogue: Array<{ id: string; name: string; application: string }>,
  personById: Map<string, { displayName: string; department: string | null; title: string | null }>,
) {
  const entById = new Map(catalogue.map((e) => [e.id, e]));
  const entLabel = (id: string) => (entById.get(id) ? `${entById.get(id)!.application} ${entById.get(id)!.name}` : id);
  return {
    entLabel,
    // Domain reasons name ids; show names instead.
    humanise: (s: string, personId: string, entIds: string[]) => {
      let out = s.split(personId).join(personById.get(personId)?.displayName ?? personId);
      for (const e of entIds) out = out.split(e).join(entLabel(e));
      return out;
    },
    ent: (id: string, extra: Partial<FindingEntitlement> = {}): FindingEntitlement => ({ entitlementId: id, name: entById.get(id)?.name ?? id, application: entById.get(id)?.application ?? "", ...extra }),
    base: (personId: string) => {
      const x = personById.get(personId);
      return { personId, personName: x?.displayName ?? personId, department: x?.department ?? "", title: x?.title ?? "" };
    },
  };
}

async function personNames(db: Queryable, ids: string[]) {
  if (!ids.length) return new Map<string, { displayName: string; department: string | null; title: string | null }>();
  const rows = await db.select({ id: people.id, displayName: people.displayName, department: people.department, title: people.title }).from(people).where(inArray(people.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function listFindings({ ctx, input, now = new Date() }: { ctx: Ctx; input?: unknown; now?: Date }) {
  if (!can(ctx.actor, "analytics.run")) throw new ForbiddenError("Only admins, security and auditors can see access findings.");
  const p = listFindingsInput.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid filter");
  const { kind, page, pageSize, days } = p.data;

  const catalogue = () => ctx.db.select({ id: entitlements.id, name: entitlements.name, application: applications.name }).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId));
  const exceptions = await activeExceptions(ctx.db, now);
  const excepted = (personId: string, entId: string) => exceptions.has(`${kind}|${personId}|*`) || exceptions.has(`${kind}|${personId}|${entId}`);

  // Dormant access is a filter over grants: SQL filters, counts and paginates; only the page's rows are read.
  if (kind === "dormant") {
    const keys = [...exceptions].filter((k) => k.startsWith("dormant|")).map((k) => k.slice("dormant|".length));
    const [dormant, cat] = await Promise.all([dormantGrantsPage(ctx.db, { now, days, page, pageSize, excepted: keys }), catalogue()]);
    const names = await personNames(ctx.db, dormant.rows.map((g) => g.personId));
    const label = labeller(cat, names);
    // findDormant on the page's rows gives the same days and reasons as over every grant (rows come longest unused
    // first); each row is keyed "entitlement|grant" so every finding keeps its own grant.
    const found = findDormant(dormant.rows.map((g) => ({ person: g.personId, entitlement: `${g.entitlementId}|${g.id}`, grantedAt: g.grantedAt, lastUsed: g.lastUsedAt })), { now, days });
    const items: FindingItem[] = found.map((f) => {
      const [entitlementId, grantId] = f.entitlement.split("|") as [string, string];
      return {
        key: `dormant|${f.person}|${entitlementId}`, kind, ...label.base(f.person),
        entitlements: [label.ent(entitlementId, { grantId, daysSinceUse: f.daysSinceUse, daysSinceGrant: f.daysSinceGrant })],
        reasons: f.reasons.map((r) => label.humanise(r.split(f.entitlement).join(entitlementId), f.person, [entitlementId])),
      };
    });
    return { kind, days, page, pageSize, total: dormant.total, pages: Math.max(1, Math.ceil(dormant.total / pageSize)), items };
  }

  // Outliers and drift compare each person with the whole organisation: computed once and cached until an input
  // changes (findings-cache.ts); the page reads its own rows, in the domain's order, exceptions left out in SQL.
  const keys = [...exceptions].filter((k) => k.startsWith(`${kind}|`)).map((k) => k.slice(kind.length + 1));
  if (kind === "outliers") {
    const found = await findingsPage(ctx.db, "outliers", { page, pageSize, excepted: keys });
    const pagePeople = found.rows.map((r) => r.personId);
    // Where last use is known (connector or usage file), an outlier's unusual access says how long it has gone
    // unused: rare AND unused is the strongest removal candidate. Read for the page's people only.
    const [cat, names, grantRows] = await Promise.all([
      catalogue(),
      personNames(ctx.db, pagePeople),
      pagePeople.length
        ? ctx.db
            .select({ personId: grants.personId, entitlementId: grants.entitlementId, lastUsedAt: grants.lastUsedAt, grantedAt: grants.grantedAt })
            .from(grants)
            .where(and(inArray(grants.personId, pagePeople), eq(grants.status, "active")))
        : Promise.resolve([]),
    ]);
    const label = labeller(cat, names);
    const grantOf = new Map(grantRows.map((g) => [`${g.personId}|${g.entitlementId}`, g]));
    const sinceDays = (d: Date | null) => (d ? Math.max(0, Math.floor((now.getTime() - d.getTime()) / 86_400_000)) : null);
    const items = found.rows.map(({ personId, finding: f }): FindingItem => {
      const unusual = f.unusual.filter((u) => !excepted(personId, u.entitlement));
      const usage = unusual.map((u) => {
        const g = grantOf.get(`${personId}|${u.entitlement}`);
        return { entitlement: u.entitlement, used: sinceDays(g?.lastUsedAt ?? null), granted: sinceDays(g?.grantedAt ?? null) };
      });
      const unused = usage.flatMap((u) =>
        u.used !== null && u.used >= days ? [`${label.entLabel(u.entitlement)} is rare among peers and unused for ${u.used} days`]
        : u.used === null && u.granted !== null && u.granted >= days ? [`${label.entLabel(u.entitlement)} is rare among peers and never used in the ${u.granted} days since it was granted`]
        : [],
      );
      return {
        key: `outliers|${personId}`, kind, ...label.base(personId), score: Math.round(f.score * 100) / 100,
        peerGroup: `${f.peerGroup.name || f.peerGroup.basis} (${f.peerGroup.size} peers)`,
        entitlements: unusual.map((u, i) => label.ent(u.entitlement, { peerShare: u.peerShare, daysSinceUse: usage[i]!.used, daysSinceGrant: usage[i]!.granted })),
        reasons: [...explainOutlier(f).map((r) => label.humanise(r, personId, [...f.unusual, ...f.missing].map((u) => u.entitlement))), ...unused],
      };
    });
    return { kind, days, page, pageSize, total: found.total, pages: Math.max(1, Math.ceil(found.total / pageSize)), items };
  }
  const found = await findingsPage(ctx.db, "drift", { page, pageSize, excepted: keys });
  const [cat, names] = await Promise.all([catalogue(), personNames(ctx.db, found.rows.map((r) => r.personId))]);
  const label = labeller(cat, names);
  const items = found.rows.map(({ personId, finding: f }): FindingItem => {
    const outside = f.outside.filter((e) => !excepted(personId, e));
    return {
      key: `drift|${personId}`, kind, ...label.base(personId),
      entitlements: outside.map((e) => label.ent(e)),
      reasons: f.reasons.filter((_, i) => outside.includes(f.outside[i]!)).map((r) => label.humanise(r, personId, outside)),
    };
  });
  return { kind, days, page, pageSize, total: found.total, pages: Math.max(1, Math.ceil(found.total / pageSize)), items };
}

export const findingExceptionInput = z.object({
  kind: z.enum(FINDING_KINDS),
  personId: z.string().uuid(),
  entitlementId: z.string().uuid().nullable().default(null),
  reason: text(1000).trim().min(5, "Say why this access is justified"),
  expiresAt: dayOrDateTime("T00:00:00Z"),
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
