import { getReviewerView } from "@/lib/services/reviews/list-reviews";
import { respond, type IdParams } from "../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/:id: the signed-in reviewer's items of one campaign, grouped by person. */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, (ctx) => getReviewerView({ ctx, input: { campaignId: id } }));
}
