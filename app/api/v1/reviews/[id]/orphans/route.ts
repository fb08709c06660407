import { decideOrphan, myOrphanItems } from "@/lib/services/reviews/orphans";
import { bodyOf, respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/:id/orphans: the signed-in reviewer's orphan items of the campaign (ownership in SQL). */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, (ctx) => myOrphanItems({ ctx, input: { campaignId: id } }));
}

/**
 * POST /api/v1/reviews/:id/orphans {itemId, decision: "link", person: {personEmail|personId}} |
 * {itemId, decision: "keep", owner: {personEmail|personId}, until: "YYYY-MM-DD"} | {itemId, decision: "disable"},
 * with an optional comment: the item's reviewer or an admin (checked in SQL); validated by the service (zod).
 */
export async function POST(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const body = await bodyOf(req);
    return decideOrphan({ ctx, input: body && typeof body === "object" && !Array.isArray(body) ? { ...body, campaignId: id } : body });
  });
}
