import { z } from "zod";
import { createCampaign, launchCampaign } from "@/lib/services/reviews/create-campaign";
import { listCampaigns } from "@/lib/services/reviews/list-reviews";
import { bodyOf, respond } from "./respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews: my campaigns as reviewer (and all campaigns with progress for admins/auditors). */
export async function GET(req: Request) {
  return respond(req, (ctx) => listCampaigns({ ctx }));
}

const launch = z.object({ launch: z.boolean().optional() }).passthrough();

/** POST /api/v1/reviews: create a campaign (admins; validated by the service); `launch: true` starts generation. */
export async function POST(req: Request) {
  return respond(req, async (ctx) => {
    const body = await bodyOf(req);
    const c = await createCampaign({ ctx, input: body });
    if (!launch.safeParse(body).data?.launch) return { campaign: c };
    const { jobId } = await launchCampaign({ ctx, input: { campaignId: c.id } });
    return { campaign: c, jobId };
  });
}
