import { z } from "zod";
import { createCampaign } from "@/lib/services/reviews/create-campaign";
import { createAndLaunchCampaign } from "@/lib/services/reviews/new-campaign";
import { listCampaigns } from "@/lib/services/reviews/list-reviews";
import { bodyOf, respond } from "./respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews: my campaigns as reviewer (and all campaigns with progress for admins/auditors). */
export async function GET(req: Request) {
  return respond(req, (ctx) => listCampaigns({ ctx }));
}

const launch = z.object({ launch: z.boolean().optional() }).passthrough();

/**
 * POST /api/v1/reviews: create a campaign (admins; validated by the service); `launch: true` starts generation, and
 * with `expected` (the totals and token of POST /api/v1/reviews/preview) is refused (409) when the scope changed.
 */
export async function POST(req: Request) {
  return respond(req, async (ctx) => {
    const body = await bodyOf(req);
    if (!launch.safeParse(body).data?.launch) return { campaign: await createCampaign({ ctx, input: body }) };
    const r = await createAndLaunchCampaign({ ctx, input: body });
    return { campaign: r.campaign, jobId: r.jobId, ...(r.preview ? { preview: r.preview } : {}) };
  });
}
