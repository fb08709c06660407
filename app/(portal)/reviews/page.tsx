import type { Metadata } from "next";
import { CampaignsPanel } from "@/components/reviews/campaigns-panel";
import { ReviewDashboard } from "@/components/reviews/review-dashboard";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/can";
import { listApplications } from "@/lib/services/applications/list-applications";
import { pageCtx } from "@/lib/services/ctx";
import { getReviewDashboard, listCampaigns } from "@/lib/services/reviews/list-reviews";
import { teamReviewOptions } from "@/lib/services/reviews/team-review";
import { runForPage } from "@/lib/services/run";

export const metadata: Metadata = { title: "Access reviews" };
export const dynamic = "force-dynamic";

export default async function ReviewsPage() {
  const ctx = await pageCtx();
  const res = await runForPage(async () => {
    const [campaigns, apps, dashboard, team] = await Promise.all([
      listCampaigns({ ctx }),
      can(ctx.actor, "review.manage") ? listApplications({ ctx, input: {} }) : Promise.resolve([]),
      // Admins and auditors: dashboards.
      can(ctx.actor, "review.evidence") ? getReviewDashboard({ ctx }) : Promise.resolve(null),
      // Managers: who they can put in a team review and the applications their team holds.
      can(ctx.actor, "review.team") ? teamReviewOptions({ ctx }) : Promise.resolve(null),
    ]);
    return { campaigns, dashboard, team, apps: (apps as Array<{ id: string; name: string }>).map((a) => ({ id: a.id, name: a.name })) };
  });
  return (
    <>
      <PageHeader
        title="Access reviews"
        subtitle="Certification campaigns arrive pre-analysed: each item carries a recommendation and its reasons, so you decide the few that need you."
      />
      <CampaignsPanel initial={res.campaigns} applications={res.apps} team={res.team} />
      {res.dashboard && <div className="mt-8"><ReviewDashboard data={res.dashboard} /></div>}
    </>
  );
}
