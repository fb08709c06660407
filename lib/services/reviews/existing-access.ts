/**
 * The first campaign after onboarding (issue 10, item 11): "Review all existing access".
 *
 * previewExistingAccess (admins): what the campaign would contain if launched now: every active grant (adopted ones
 * say "Existing access, adopted on <date>" on the item) reviewed by managers or application owners, and every open
 * orphan account as an application-owner item. Counted per application and per reviewer by the very functions
 * generation runs (buildItems, buildOrphanItems), so a preview equals the run.
 *
 * launchExistingAccess (admins): recomputes the preview, refuses (409) when it no longer equals the counts the admin
 * saw (`expected`), then creates and launches the campaign (scope: everything, orphanAccounts: true). Generation
 * runs as the usual job.
 */
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { applications, entitlements, grants, people, type ReviewCampaign } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { dayOrDateTime } from "@/lib/validation";
import { buildItems, createCampaign, launchCampaign } from "./create-campaign";
import { buildOrphanItems } from "./orphans";

export const EXISTING_ACCESS_NAME = "Review all existing access";

const previewInput = z.object({
  /** Who reviews the grants: managers (default) or application owners. Orphan accounts always go to application owners. */
  reviewerKind: z.enum(["manager", "app_owner"]).default("manager"),
});
const counts = z.object({ items: z.number().int().nonnegative(), orphans: z.number().int().nonnegative() });
const launchInput = previewInput.extend({
  dueAt: dayOrDateTime(),
  /** The totals the preview showed; a different run is refused. */
  expected: counts.optional(),
});

export type ExistingAccessPreview = {
  reviewerKind: "manager" | "app_owner";
  totals: { items: number; adopted: number; orphans: number };
  byApplication: Array<{ applicationId: string; name: string; items: number; adopted: number; orphans: number }>;
  byReviewer: Array<{ reviewerId: string | null; name: string; items: number; orphans: number }>;
};

function parse<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.infer<T> {
  const p = schema.safeParse(raw ?? {});
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid input", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  return p.data;
}

async function compute(db: Queryable, reviewerKind: "manager" | "app_owner", createdById: string | null, now: Date): Promise<ExistingAccessPreview> {
  const c = { id: "00000000-0000-0000-0000-000000000000", scope: { orphanAccounts: true }, reviewerKind, reviewerGroup: null, createdById } as unknown as ReviewCampaign;
  const [items, orphans] = await Promise.all([buildItems(db, c, now), buildOrphanItems(db, c)]);
  // Application and source of each grant item; names of applications and reviewers (bulk, chunked).
  const entIds = [...new Set(items.map((i) => i.entitlementId))];
  const grantIds = items.map((i) => i.grantId).filter((g): g is string => Boolean(g));
  const appOfEnt = new Map<string, string>();
  const adopted = new Set<string>();
  for (let i = 0; i < entIds.length; i += 1000) {
    for (const e of await db.select({ id: entitlements.id, applicationId: entitlements.applicationId }).from(entitlements).where(inArray(entitlements.id, entIds.slice(i, i + 1000)))) appOfEnt.set(e.id, e.applicationId);
  }
  for (let i = 0; i < grantIds.length; i += 1000) {
    for (const g of await db.select({ id: grants.id, source: grants.source }).from(grants).where(inArray(grants.id, grantIds.slice(i, i + 1000)))) if (g.source === "adopted") adopted.add(g.id);
  }
  const appIds = [...new Set([...appOfEnt.values(), ...orphans.map((o) => o.applicationId)])];
  const reviewerIds = [...new Set([...items.map((i) => i.reviewerId), ...orphans.map((o) => o.reviewerId)].filter((r): r is string => Boolean(r)))];
  const appName = new Map<string, string>();
  const personName = new Map<string, string>();
  if (appIds.length) for (const a of await db.select({ id: applications.id, name: applications.name }).from(applications).where(inArray(applications.id, appIds))) appName.set(a.id, a.name);
  for (let i = 0; i < reviewerIds.length; i += 1000) {
    for (const p of await db.select({ id: people.id, name: people.displayName }).from(people).where(inArray(people.id, reviewerIds.slice(i, i + 1000)))) personName.set(p.id, p.name);
  }
  const byApp = new Map<string, ExistingAccessPreview["byApplication"][number]>();
  const byRev = new Map<string, ExistingAccessPreview["byReviewer"][number]>();
  const app = (id: string) => byApp.get(id) ?? byApp.set(id, { applicationId: id, name: appName.get(id) ?? id, items: 0, adopted: 0, orphans: 0 }).get(id)!;
  const rev = (id: string | null | undefined) => {
    const k = id ?? "-";
    return byRev.get(k) ?? byRev.set(k, { reviewerId: id ?? null, name: id ? (personName.get(id) ?? id) : "(no reviewer)", items: 0, orphans: 0 }).get(k)!;
  };
  let adoptedTotal = 0;
  for (const i of items) {
    const a = app(appOfEnt.get(i.entitlementId)!);
    a.items += 1;
    if (i.grantId && adopted.has(i.grantId)) {
      a.adopted += 1;
      adoptedTotal += 1;
    }
    rev(i.reviewerId).items += 1;
  }
  for (const o of orphans) {
    app(o.applicationId).orphans += 1;
    rev(o.reviewerId).orphans += 1;
  }
  return {
    reviewerKind,
    totals: { items: items.length, adopted: adoptedTotal, orphans: orphans.length },
    byApplication: [...byApp.values()].sort((a, b) => a.name.localeCompare(b.name)),
    byReviewer: [...byRev.values()].sort((a, b) => b.items + b.orphans - (a.items + a.orphans) || a.name.localeCompare(b.name)),
  };
}

export async function previewExistingAccess({ ctx, input, now }: { ctx: Ctx; input?: unknown; now?: Date }): Promise<ExistingAccessPreview> {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const { reviewerKind } = parse(previewInput, input);
  return compute(ctx.db, reviewerKind, ctx.actor.personId, now ?? nowOf(ctx));
}

export async function launchExistingAccess({ ctx, input, now: nowIn }: { ctx: Ctx; input: unknown; now?: Date }) {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const p = parse(launchInput, input);
  const now = nowIn ?? nowOf(ctx);
  const preview = await compute(ctx.db, p.reviewerKind, ctx.actor.personId, now);
  if (p.expected && (p.expected.items !== preview.totals.items || p.expected.orphans !== preview.totals.orphans))
    throw new ConflictError(
      `The access in scope changed since the preview (${preview.totals.items} items and ${preview.totals.orphans} orphan accounts now, not ${p.expected.items} and ${p.expected.orphans}); preview again.`,
    );
  const c = await createCampaign({
    ctx: { ...ctx, clock: () => now },
    input: { name: `${EXISTING_ACCESS_NAME} (${now.toISOString().slice(0, 10)})`, scope: { orphanAccounts: true }, reviewerKind: p.reviewerKind, dueAt: p.dueAt, defaultDecision: "keep" },
  });
  const launched = await launchCampaign({ ctx, input: { campaignId: c.id }, now });
  return { campaignId: c.id, name: c.name, jobId: launched.jobId, done: launched.done, preview };
}
