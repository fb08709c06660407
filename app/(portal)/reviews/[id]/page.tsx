import type { Metadata } from "next";
import { ReviewBoard } from "@/components/reviews/review-board";
import { PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { pageCtx } from "@/lib/services/ctx";
import { getReviewerView } from "@/lib/services/reviews/list-reviews";
import { runForPage } from "@/lib/services/run";

export const metadata: Metadata = { title: "Access review" };
export const dynamic = "force-dynamic";

export default async function ReviewPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await pageCtx();
  const res = await runForPage(() => getReviewerView({ ctx, input: { campaignId: id } }));
  if (!res.ok) return res.view;
  const v = res.data;
  return (
    <>
      <PageHeader
        title={v.campaign.name}
        subtitle={`Due ${fmtDate(v.campaign.dueAt)}. Undecided items then get the default decision (${v.campaign.defaultDecision === "recommendation" ? "follow the recommendation" : v.campaign.defaultDecision}). A revoke removes the access at once.`}
        actions={<a href="/reviews" className="text-sm text-brand-700 underline">All reviews</a>}
      />
      <ReviewBoard initial={v} />
    </>
  );
}
