import { z } from "zod";
import { ValidationError } from "@/lib/errors";
import { bulkApproveNoAction } from "@/lib/services/reviews/decide-item";
import { bodyOf, respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

const body = z.object({ confirm: z.boolean(), expectedCount: z.number().int().nonnegative().optional() });

/** POST /api/v1/reviews/:id/bulk-approve {confirm: true, expectedCount}: keep all my no-action items. */
export async function POST(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const parsed = body.safeParse(await bodyOf(req));
    if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid request");
    return bulkApproveNoAction({ ctx, input: { campaignId: id, ...parsed.data } });
  });
}
