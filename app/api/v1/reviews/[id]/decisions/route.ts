import { z } from "zod";
import { ValidationError } from "@/lib/errors";
import { decideItem } from "@/lib/services/reviews/decide-item";
import { bodyOf, respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

const body = z.object({ itemId: z.string().uuid(), decision: z.enum(["keep", "revoke"]), comment: z.string().max(2000).optional() });

/** POST /api/v1/reviews/:id/decisions {itemId, decision, comment?}: only the item's reviewer (checked in SQL). */
export async function POST(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(async (ctx) => {
    const parsed = body.safeParse(await bodyOf(req));
    if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid decision");
    return decideItem({ ctx, input: { ...parsed.data, campaignId: id } });
  });
}
