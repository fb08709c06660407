/**
 * Scope preview: what a campaign would hold if it were generated now, counted per application and per reviewer by
 * the very functions generation runs (buildItems, buildOrphanItems), so a preview equals the run. Used by the first
 * campaign ("Review all existing access"), the new-campaign form and a manager's team review.
 *
 * Input: a campaign-shaped object (scope, reviewer kind and group, creator); output: totals, rows per application and
 * per reviewer, and a fingerprint of those counts (`token`): a launch that sends the token it was shown is refused
 * when the counts changed meanwhile (scopeChanged). Cost: one generation's build (bulk reads, no per-item query) plus
 * chunked name look-ups.
 */
import { createHash } from "node:crypto";
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { applications, entitlements, grants, people, type ReviewCampaign } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { ConflictError } from "@/lib/errors";
import { buildItems } from "./create-campaign";
import { buildOrphanItems } from "./orphans";

export type ScopePreview = {
  totals: { items: number; adopted: number; orphans: number };
  byApplication: Array<{ applicationId: string; name: string; items: number; adopted: number; orphans: number }>;
  byReviewer: Array<{ reviewerId: string | null; name: string; items: number; orphans: number }>;
  /** Fingerprint of the counts above (per application and per reviewer). */
  token: string;
};

/** What a launch says it was shown: the totals, and the token when the client has it. */
export const expectedPreview = z.object({
  items: z.number().int().nonnegative(),
  orphans: z.number().int().nonnegative(),
  token: z.string().max(100).optional(),
});
export type ExpectedPreview = z.infer<typeof expectedPreview>;

type CampaignLike = Pick<ReviewCampaign, "scope" | "reviewerKind" | "reviewerGroup" | "createdById">;

export async function previewScope(db: Queryable, campaign: CampaignLike, now: Date): Promise<ScopePreview> {
  const c = { id: "00000000-0000-0000-0000-000000000000", ...campaign } as ReviewCampaign;
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
  const byApp = new Map<string, ScopePreview["byApplication"][number]>();
  const byRev = new Map<string, ScopePreview["byReviewer"][number]>();
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
  const byApplication = [...byApp.values()].sort((a, b) => a.name.localeCompare(b.name));
  const byReviewer = [...byRev.values()].sort((a, b) => b.items + b.orphans - (a.items + a.orphans) || a.name.localeCompare(b.name));
  const fingerprint = JSON.stringify([
    byApplication.map((a) => [a.applicationId, a.items, a.orphans]).sort(),
    byReviewer.map((r) => [r.reviewerId, r.items, r.orphans]).sort(),
  ]);
  return {
    totals: { items: items.length, adopted: adoptedTotal, orphans: orphans.length },
    byApplication,
    byReviewer,
    token: createHash("sha256").update(fingerprint).digest("hex").slice(0, 32),
  };
}

/** Refuse (409) a launch whose preview no longer matches what generation would now create. */
export function refuseIfScopeChanged(expected: ExpectedPreview | undefined, now: ScopePreview) {
  if (!expected) return;
  if (expected.items !== now.totals.items || expected.orphans !== now.totals.orphans)
    throw new ConflictError(
      `The access in scope changed since the preview (${now.totals.items} items and ${now.totals.orphans} orphan accounts now, not ${expected.items} and ${expected.orphans}); preview again.`,
    );
  if (expected.token && expected.token !== now.token)
    throw new ConflictError("The access in scope changed since the preview (same total, but other applications or reviewers); preview again.");
}
