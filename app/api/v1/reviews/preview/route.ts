import { previewNewCampaign } from "@/lib/services/reviews/new-campaign";
import { bodyOf, respond } from "../respond";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/reviews/preview {scope, reviewerKind, reviewerGroup?}: admins; the items the campaign would hold if
 * launched now, per application and per reviewer, with the token a launch sends back (POST /api/v1/reviews `expected`).
 */
export async function POST(req: Request) {
  return respond(req, async (ctx) => previewNewCampaign({ ctx, input: await bodyOf(req) }));
}
