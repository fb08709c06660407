/**
 * The first campaign after onboarding (issue 10, item 11): "Review all existing access".
 *
 * previewExistingAccess (admins): what the campaign would contain if launched now: every active grant (adopted ones
 * say "Existing access, adopted on <date>" on the item) reviewed by managers or application owners, and every open
 * orphan account as an application-owner item. Counted per application and per reviewer by scope-preview.ts (the
 * very functions generation runs), so a preview equals the run.
 *
 * launchExistingAccess (admins): recomputes the preview, refuses (409) when it no longer equals the counts the admin
 * saw (`expected`), then creates and launches the campaign (scope: everything, orphanAccounts: true). Generation
 * runs as the usual job.
 */
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { can } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { dayOrDateTime } from "@/lib/validation";
import { createCampaign, launchCampaign } from "./create-campaign";
import { expectedPreview, previewScope, refuseIfScopeChanged, type ScopePreview } from "./scope-preview";

export const EXISTING_ACCESS_NAME = "Review all existing access";

const previewInput = z.object({
  /** Who reviews the grants: managers (default) or application owners. Orphan accounts always go to application owners. */
  reviewerKind: z.enum(["manager", "app_owner"]).default("manager"),
});
const launchInput = previewInput.extend({
  dueAt: dayOrDateTime(),
  /** The totals the preview showed; a different run is refused. */
  expected: expectedPreview.optional(),
});

export type ExistingAccessPreview = ScopePreview & { reviewerKind: "manager" | "app_owner" };

function parse<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.infer<T> {
  const p = schema.safeParse(raw ?? {});
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid input", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  return p.data;
}

async function compute(db: Queryable, reviewerKind: "manager" | "app_owner", createdById: string | null, now: Date): Promise<ExistingAccessPreview> {
  const preview = await previewScope(db, { scope: { orphanAccounts: true }, reviewerKind, reviewerGroup: null, createdById }, now);
  return { reviewerKind, ...preview };
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
  refuseIfScopeChanged(p.expected, preview);
  const c = await createCampaign({
    ctx: { ...ctx, clock: () => now },
    input: { name: `${EXISTING_ACCESS_NAME} (${now.toISOString().slice(0, 10)})`, scope: { orphanAccounts: true }, reviewerKind: p.reviewerKind, dueAt: p.dueAt, defaultDecision: "keep" },
  });
  const launched = await launchCampaign({ ctx, input: { campaignId: c.id }, now });
  return { campaignId: c.id, name: c.name, jobId: launched.jobId, done: launched.done, preview };
}
