import { z } from "zod";
import { NotFoundError } from "@/lib/errors";
import { exportEvidencePdf } from "@/lib/services/reviews/evidence-pdf";
import { respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/:id/evidence.pdf: admins and auditors; the printable evidence report of a campaign. */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const campaignId = z.string().uuid().safeParse(id);
    if (!campaignId.success) throw new NotFoundError("No such campaign.");
    const e = await exportEvidencePdf({ ctx, input: { campaignId: campaignId.data } });
    return new Response(e.pdf as Uint8Array<ArrayBuffer>, {
      headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${e.filename}"`, "Content-Length": String(e.pdf.byteLength), "Cache-Control": "no-store" },
    });
  });
}
