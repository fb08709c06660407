import { automationMetrics } from "@/lib/services/reviews/evidence";
import { respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/:id/automation: agreement per recommendation and false revokes (admins, auditors). */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, (ctx) => automationMetrics({ ctx, input: { campaignId: id } }));
}
