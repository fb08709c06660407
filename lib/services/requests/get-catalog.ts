/**
 * getCatalog: the requestable entitlements, searched by application or entitlement name and paginated, each with
 * the share of the beneficiary's peers holding it and whether the beneficiary already has it; plus "people like you
 * have": entitlements held by ≥ 50% of the peers (same department and title, or the whole department when fewer than
 * 3 share the title) that the beneficiary lacks. The beneficiary is the actor or someone in their reporting line
 * (checked in SQL); managers also get the list of people they may request for.
 */
import { and, eq, inArray } from "drizzle-orm";
import { accessRequestItems, accessRequests } from "@/db/schema";
import { z } from "zod";
import { entitlementsByIds, isInReportingLine, personForRequest, reportingLine, searchCatalog, type CatalogEntitlement } from "@/db/queries/requests";
import { can, has } from "@/lib/auth/can";
import { PEER_THRESHOLD } from "@/lib/domain/request-risk";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { assessRequest } from "./assess";

export const catalogInput = z.object({
  q: z.string().trim().max(100).optional().transform((v) => v || undefined),
  beneficiaryId: z.string().uuid().optional().or(z.literal("").transform(() => undefined)),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(5).max(100).default(20),
});

export async function getCatalog({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError();
  const parsed = catalogInput.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError("Invalid search: " + parsed.error.issues.map((i) => i.message).join("; "));
  const input = parsed.data;
  const me = ctx.actor.personId;
  const beneficiaryId = input.beneficiaryId ?? me;
  if (beneficiaryId !== me && !has(ctx.actor, "admin") && !(await isInReportingLine(ctx.db, me, beneficiaryId)))
    throw new ForbiddenError("You can request access only for yourself or for people in your reporting line.");
  const beneficiary = await personForRequest(ctx.db, beneficiaryId);
  if (!beneficiary) throw new NotFoundError("No such person.");
  const [page, line] = await Promise.all([
    searchCatalog(ctx.db, input),
    has(ctx.actor, "manager") ? reportingLine(ctx.db, me) : Promise.resolve([]),
  ]);
  // What would happen if each listed entitlement were requested on its own: route and risk, before anyone asks. Its
  // reads (held access, peer adoption) serve the page too.
  const preview = await assessRequest(ctx.db, { requesterId: me, beneficiary, entitlements: page.rows as CatalogEntitlement[], now, together: false });
  const { held, adoption } = preview;
  const heldSet = new Set(held);
  // Asked for already: one open request per person and entitlement (create-request refuses a second one).
  const listed = page.rows.map((e) => e.id);
  const pendingSet = new Set(
    listed.length
      ? (
          await ctx.db
            .select({ id: accessRequestItems.entitlementId })
            .from(accessRequestItems)
            .innerJoin(accessRequests, eq(accessRequests.id, accessRequestItems.requestId))
            .where(and(eq(accessRequests.beneficiaryId, beneficiaryId), eq(accessRequestItems.status, "pending"), inArray(accessRequestItems.entitlementId, listed)))
        ).map((r) => r.id)
      : [],
  );
  const expect = new Map(page.rows.map((e, k) => [e.id, { route: preview.decision.items[k]!.route, riskScore: preview.items[k]!.risk.score }]));
  const share = (id: string) => (adoption.peerCount ? (adoption.holders.get(id)?.peers ?? 0) / adoption.peerCount : 0);
  const suggestedIds = [...adoption.holders.keys()].filter((id) => !heldSet.has(id) && share(id) >= PEER_THRESHOLD);
  const suggested = (await entitlementsByIds(ctx.db, suggestedIds))
    .filter((e) => e.requestable)
    .map((e) => ({ ...e, share: share(e.id) }))
    .sort((a, b) => b.share - a.share || a.applicationName.localeCompare(b.applicationName))
    .slice(0, 12);
  return {
    beneficiary: { id: beneficiary.id, displayName: beneficiary.displayName, title: beneficiary.title, department: beneficiary.department },
    peerGroup: adoption.peerGroup,
    peerCount: adoption.peerCount,
    rows: page.rows.map((e) => ({ ...e, share: share(e.id), held: heldSet.has(e.id), requested: pendingSet.has(e.id), expected: expect.get(e.id)! })),
    total: page.total,
    filter: input,
    suggested,
    beneficiaries: [{ id: me, displayName: `${ctx.actor.name} (me)` }, ...line.map((p) => ({ id: p.id, displayName: `${p.displayName} — ${p.title}` }))],
  };
}
export type Catalog = Awaited<ReturnType<typeof getCatalog>>;
