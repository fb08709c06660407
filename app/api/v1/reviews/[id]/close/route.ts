import { closeCampaign } from "@/lib/services/reviews/close-campaign";
import { respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** POST /api/v1/reviews/:id/close: admins; refused before the due date; applies the default decision. */
export async function POST(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, (ctx) => closeCampaign({ ctx, input: { campaignId: id } }));
}
