import type { Metadata } from "next";
import { OrphanItems } from "@/components/reviews/orphan-items";
import { ReviewBoard } from "@/components/reviews/review-board";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { pageCtx } from "@/lib/services/ctx";
import { getReviewBoard } from "@/lib/services/reviews/review-board";
import { getAutoDecideStatus, pct } from "@/lib/services/reviews/auto-decide";
import { runForPage } from "@/lib/services/run";
import { can } from "@/lib/auth/can";
import { ParamNotices } from "@/components/ui/param-notices";
import { reviewBoardParams } from "@/lib/http/page-params";
import type { RawSearchParams } from "@/lib/http/search-params";
import { campaignAdminAction, forwardItemsAction } from "./actions";
import { CampaignAdmin } from "./campaign-admin";
import { ForwardItems } from "./forward-items";

export const metadata: Metadata = { title: "Access review" };
export const dynamic = "force-dynamic";

/**
 * One campaign as its reviewer sees it: one page of their items (the view is in the URL: status, recommendation,
 * application, person, search, page, size; a bad value is ignored with a notice), with the campaign's counts.
 */
export default async function ReviewPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<RawSearchParams> }) {
  const { id } = await params;
  const ctx = await pageCtx();
  const { values, notices } = reviewBoardParams(await searchParams);
  // Admins and auditors: auto-decision mode and the measured shadow agreement (null for everyone else).
  const [v, auto] = await Promise.all([
    runForPage(() => getReviewBoard({ ctx, input: { ...values, campaignId: id } })),
    getAutoDecideStatus({ ctx, input: { campaignId: id } }).catch(() => null),
  ]);
  const open = v.counts.open;
  return (
    <>
      <PageHeader
        title={v.campaign.name}
        subtitle={`Due ${fmtDate(v.campaign.dueAt)}. Undecided items then get the default decision (${v.campaign.defaultDecision === "recommendation" ? "follow the recommendation" : v.campaign.defaultDecision}). A revoke removes the access at once.`}
        actions={<a href="/reviews" className="text-sm text-brand-700 underline">All reviews</a>}
      />
      {can(ctx.actor, "review.manage") && v.campaign.status === "active" && (
        <Card title="Campaign administration" className="mb-4">
          <CampaignAdmin campaignId={id} action={campaignAdminAction} defaultDecision={v.campaign.defaultDecision === "recommendation" ? "follow the recommendation" : v.campaign.defaultDecision} />
        </Card>
      )}
      {auto && (
        <Card title="Auto-decision" className="mb-4">
          <p className="text-sm">
            Mode: <strong>{auto.mode}</strong>.{" "}
            {auto.evidence.hadShadow
              ? `Shadow: ${auto.evidence.shadowItems} no-action items would be kept; reviewers kept ${auto.evidence.kept} of the ${auto.evidence.decided} they decided (agreement ${pct(auto.evidence.agreement)})${auto.evidence.campaignId !== auto.campaignId ? `, measured in "${auto.evidence.campaignName}"` : ""}.`
              : "No shadow period recorded yet."}{" "}
            Switching on needs {auto.thresholds.minDecided} decided items and {pct(auto.thresholds.minAgreement)} agreement{auto.eligible ? " (met)" : ""}.{" "}
            <a className="text-brand-700 underline" href={`/api/v1/reviews/${id}/evidence.csv`}>Evidence CSV</a>{" · "}
            <a className="text-brand-700 underline" href={`/api/v1/reviews/${id}/evidence.pdf`}>Download PDF</a>
          </p>
        </Card>
      )}
      <ParamNotices notices={notices} />
      {v.campaign.status === "active" && open > 0 && <ForwardItems campaignId={id} action={forwardItemsAction} open={open} />}
      <OrphanItems campaignId={id} open={v.campaign.status === "active"} initial={v.orphans} />
      {(v.counts.total > 0 || v.orphans.length === 0) && <ReviewBoard initial={v} />}
    </>
  );
}
