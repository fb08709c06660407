/**
 * The new-campaign form (admins, issue 13 item 6): a scope preview before launch, and a launch that creates exactly
 * what was previewed.
 *
 * previewNewCampaign: the campaign's settings (createCampaignInput) → the items generation would create now, per
 * application and per reviewer (scope-preview.ts, the very functions generation runs).
 * createAndLaunchCampaign: the same settings plus `expected` (the totals and token the admin saw) → recomputes the
 * preview and refuses (409) when it differs, else creates the draft and launches it (the usual generation job).
 * Without `expected` (API clients of before) it creates and launches as it always did.
 */
import { z } from "zod";
import { can } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { createCampaign, createCampaignInput, launchCampaign, parseCampaignInput } from "./create-campaign";
import { expectedPreview, previewScope, refuseIfScopeChanged, type ScopePreview } from "./scope-preview";

// The preview needs the scope and the reviewers only: name and due date may still be empty while the admin types.
const previewInput = createCampaignInput.pick({ scope: true, reviewerKind: true, reviewerGroup: true });

export async function previewNewCampaign({ ctx, input: raw, now }: { ctx: Ctx; input: unknown; now?: Date }): Promise<ScopePreview> {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const p = previewInput.safeParse(raw ?? {});
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid campaign", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  const { scope, reviewerKind, reviewerGroup } = p.data;
  if (reviewerKind === "group" && !reviewerGroup?.length) throw new ValidationError("Name at least one reviewer for a group review", { reviewerGroup: "Required" });
  return previewScope(ctx.db, { scope, reviewerKind, reviewerGroup: reviewerGroup ?? null, createdById: ctx.actor.personId }, now ?? nowOf(ctx));
}

const launchExtra = z.object({ expected: expectedPreview.optional() });

export async function createAndLaunchCampaign({ ctx, input: raw, now: nowIn }: { ctx: Ctx; input: unknown; now?: Date }) {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const now = nowIn ?? nowOf(ctx);
  const at = { ...ctx, clock: () => now };
  const input = parseCampaignInput(at, raw);
  const extra = launchExtra.safeParse(raw);
  if (!extra.success) throw new ValidationError("Invalid preview totals", { expected: extra.error.issues[0]?.message ?? "Invalid" });
  let preview: ScopePreview | null = null;
  if (extra.data.expected) {
    preview = await previewScope(ctx.db, { scope: input.scope, reviewerKind: input.reviewerKind, reviewerGroup: input.reviewerGroup ?? null, createdById: ctx.actor.personId }, now);
    refuseIfScopeChanged(extra.data.expected, preview);
  }
  const campaign = await createCampaign({ ctx: at, input });
  const launched = await launchCampaign({ ctx, input: { campaignId: campaign.id }, now });
  return { campaign, jobId: launched.jobId, done: launched.done, preview };
}
