import { previewTeamReview } from "@/lib/services/reviews/team-review";
import { bodyOf, respond } from "../../respond";

export const dynamic = "force-dynamic";

/** POST /api/v1/reviews/team/preview {indirect?, personIds?, applicationIds?}: managers; their team review's scope preview. */
export async function POST(req: Request) {
  return respond(req, async (ctx) => previewTeamReview({ ctx, input: await bodyOf(req) }));
}
