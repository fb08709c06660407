import { startTeamReview, teamReviewOptions } from "@/lib/services/reviews/team-review";
import { bodyOf, respond } from "../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/team: managers; the people below them and the applications they hold (what the form picks from). */
export async function GET(req: Request) {
  return respond(req, (ctx) => teamReviewOptions({ ctx }));
}

/**
 * POST /api/v1/reviews/team {dueAt, indirect?, personIds?, applicationIds?, name?, defaultDecision?, expected?}:
 * managers; creates and launches a review of their own team (403 for anyone outside it, 409 when the scope changed
 * since the preview). Generation runs as a job (poll GET /api/v1/reviews: `team`).
 */
export async function POST(req: Request) {
  return respond(req, async (ctx) => {
    const r = await startTeamReview({ ctx, input: await bodyOf(req) });
    return { campaign: { id: r.campaign.id, name: r.campaign.name }, jobId: r.jobId, preview: r.preview };
  });
}
