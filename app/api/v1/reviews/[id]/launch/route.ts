import { launchCampaign } from "@/lib/services/reviews/create-campaign";
import { respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** POST /api/v1/reviews/:id/launch: admins; generation runs as a job (poll GET /api/v1/reviews for progress). */
export async function POST(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const { campaignId, jobId } = await launchCampaign({ ctx, input: { campaignId: id } });
    return { campaignId, jobId };
  });
}
