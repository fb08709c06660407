import { exportEvidence } from "@/lib/services/reviews/evidence";
import { respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/:id/evidence.csv: admins and auditors; every item with decision, receipt and audit seq. */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const e = await exportEvidence({ ctx, input: { campaignId: id } });
    return new Response(e.csv, {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${e.filename}"`, "Cache-Control": "no-store" },
    });
  });
}
