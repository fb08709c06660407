import type { Metadata } from "next";
import { CampaignsPanel } from "@/components/reviews/campaigns-panel";
import { ReviewDashboard } from "@/components/reviews/review-dashboard";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/can";
import { applicationChoices } from "@/lib/services/applications/list-applications";
import { pageCtx } from "@/lib/services/ctx";
import { getReviewDashboard, listCampaigns } from "@/lib/services/reviews/list-reviews";
import { runForPage } from "@/lib/services/run";

export const metadata: Metadata = { title: "Access reviews" };
export const dynamic = "force-dynamic";

export default async function ReviewsPage() {
  const ctx = await pageCtx();
  const res = await runForPage(async () => {
    const [campaigns, apps, dashboard] = await Promise.all([
      listCampaigns({ ctx }),
      can(ctx.actor, "review.manage") ? applicationChoices({ ctx }) : Promise.resolve([]),
      // Admins and auditors: dashboards.
      can(ctx.actor, "review.evidence") ? getReviewDashboard({ ctx }) : Promise.resolve(null),
    ]);
    // Managers' "Review my team" loads who is below them in the browser (GET /api/v1/reviews/team): a manager at
    // the top of 20,000 people would otherwise wait for their whole line on every visit of this page.
    return { campaigns, dashboard, apps };
  });
  return (
    <>
      <PageHeader
        title="Access reviews"
        subtitle="Certification campaigns arrive pre-analysed: each item carries a recommendation and its reasons, so you decide the few that need you."
      />
      <CampaignsPanel initial={res.campaigns} applications={res.apps} />
      {res.dashboard && <div className="mt-8"><ReviewDashboard data={res.dashboard} /></div>}
    </>
  );
}
