import { editCampaign } from "@/lib/services/reviews/edit-campaign";
import { bodyOf, respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** PATCH /api/v1/reviews/:id/items {addGrantIds?, removeItemIds?, reassign?}: admins edit a launched campaign (zod in the service). */
export async function PATCH(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const body = (await bodyOf(req)) as Record<string, unknown> | null;
    return editCampaign({ ctx, input: { ...(body ?? {}), campaignId: id } });
  });
}
