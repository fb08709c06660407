/**
 * Mover micro-review: when a mover keeps access that their new role does not give, their NEW manager is asked
 * about it in a small review campaign created in the same transaction as the HR change.
 *
 * What goes into the campaign ("Access kept after move: <name>", reviewer kind manager, due in 7 days):
 *  (a) active non-birthright grants (request, manual, import, role, review) whose entitlement the roles the new
 *      attributes resolve to do not give;
 *  (b) birthright grants in their mover overlap (expiresAt set, reason "Mover: …").
 * Every item: recommendation "review", reason "kept after moving from <old dept / title> to <new>".
 *
 * Default decision: "keep" (one per campaign). Left undecided at the due date, nothing extra happens: (a) stays
 * (it was requested or granted on purpose), (b) still ends with its overlap (the sweep expires it), so an
 * unanswered review never widens access. Keeping a (b) item cancels the overlap expiry (confirmKeptAfterMove,
 * called by decideItem); revoking either kind revokes at once through the planner (decideItem).
 *
 * No campaign when nothing is kept, or when the mover has no manager (nobody to ask; the overlap still ends).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { grants, people, reviewCampaigns, reviewItems, roleEntitlements } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Change } from "@/lib/domain/lifecycle";
import { resolveRoles, type Rule } from "@/lib/domain/policy";
import { idpGroupsOfPeople } from "@/db/queries/idp-groups";
import { activeBirthrightRules } from "@/db/queries/rules";

export const MOVER_REVIEW_PREFIX = "Access kept after move: ";
export const MOVER_REVIEW_DUE_DAYS = 7;

export type MoverReviewResult = { campaignId: string; reviewerId: string; itemIds: string[] } | null;

function describe(changes: Record<string, Change>, side: "from" | "to", fallback: { department: string | null; title: string | null }): string {
  const dept = changes.department ? changes.department[side] : fallback.department;
  const title = changes.title ? changes.title[side] : fallback.title;
  return [dept, title].filter((x) => x !== null && x !== undefined && String(x) !== "").join(" / ") || "(none)";
}

export async function createMoverReview(
  tx: Queryable,
  { personId, changes, actorId, now }: { personId: string; changes: Record<string, Change>; actorId: string | null; now: Date },
): Promise<MoverReviewResult> {
  const [p] = await tx.select().from(people).where(eq(people.id, personId));
  if (!p || !p.managerId || p.status === "terminated") return null;

  // Roles the new attributes give (published roles, enabled rules), and their entitlements.
  const rules: Rule[] = await activeBirthrightRules(tx);
  const idpGroups = (await idpGroupsOfPeople(tx, [p.id])).get(p.id) ?? [];
  const roleIds = [...resolveRoles({ ...p, attributes: p.attributes ?? {}, idpGroups }, rules).keys()];
  const given = new Set<string>();
  if (roleIds.length) {
    for (const re of await tx.select({ e: roleEntitlements.entitlementId }).from(roleEntitlements).where(inArray(roleEntitlements.roleId, roleIds))) given.add(re.e);
  }

  const held = await tx.select().from(grants).where(and(eq(grants.personId, personId), eq(grants.status, "active")));
  const kept = held.filter((g) =>
    g.source === "birthright" ? Boolean(g.expiresAt) && g.reason.startsWith("Mover:") && !given.has(g.entitlementId) : !given.has(g.entitlementId),
  );
  if (kept.length === 0) return null;

  const fallback = { department: p.department, title: p.title };
  const reason = `kept after moving from ${describe(changes, "from", fallback)} to ${describe(changes, "to", fallback)}`;
  const [c] = await tx
    .insert(reviewCampaigns)
    .values({
      name: `${MOVER_REVIEW_PREFIX}${p.displayName}`,
      scope: {},
      reviewerKind: "manager",
      status: "active",
      startsAt: now,
      dueAt: new Date(now.getTime() + MOVER_REVIEW_DUE_DAYS * 86_400_000),
      defaultDecision: "keep",
      createdById: actorId,
    })
    .returning({ id: reviewCampaigns.id });
  const items = await tx
    .insert(reviewItems)
    .values(kept.map((g) => ({ campaignId: c!.id, grantId: g.id, personId, entitlementId: g.entitlementId, reviewerId: p.managerId, recommendation: "review" as const, reasons: [reason] })))
    .returning({ id: reviewItems.id });
  await recordAudit(tx, {
    actorId, actorKind: actorId ? "person" : "system", action: "review.mover_review_created", targetKind: "review_campaign", targetId: c!.id,
    data: { personId, reviewerId: p.managerId, reason, grantIds: kept.map((g) => g.id), overlap: kept.filter((g) => g.source === "birthright").map((g) => g.id) },
  });
  return { campaignId: c!.id, reviewerId: p.managerId, itemIds: items.map((i) => i.id) };
}

/**
 * The new manager kept an item of a mover review: a birthright grant waiting for its overlap to end stays
 * (expiry cancelled). Other grants need nothing. Returns whether a grant changed.
 */
export async function confirmKeptAfterMove(tx: Queryable, { campaignName, grantId, managerName }: { campaignName: string; grantId: string | null; managerName: string }): Promise<boolean> {
  if (!grantId || !campaignName.startsWith(MOVER_REVIEW_PREFIX)) return false;
  const [g] = await tx.select().from(grants).where(eq(grants.id, grantId));
  if (!g || g.status !== "active" || g.source !== "birthright" || !g.expiresAt || !g.reason.startsWith("Mover:")) return false;
  await tx.update(grants).set({ expiresAt: null, reason: `Kept after move, confirmed by ${managerName}` }).where(eq(grants.id, g.id));
  return true;
}
