import { z } from "zod";
import { ValidationError } from "@/lib/errors";
import { decideItem, decideItems } from "@/lib/services/reviews/decide-item";
import { bodyOf, respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

const one = z.object({ itemId: z.string().uuid(), decision: z.enum(["keep", "revoke"]), comment: z.string().max(2000).optional() });
const many = z.object({ itemIds: z.array(z.string().uuid()).min(1).max(500), decision: z.enum(["keep", "revoke"]), comment: z.string().max(2000).optional() });

/**
 * POST /api/v1/reviews/:id/decisions {itemId, decision, comment?} or {itemIds: [...], decision, comment?}
 * (the reviewer's selection, all or nothing): only the items' reviewer (checked in SQL). A decision may be
 * changed while the campaign is open.
 */
export async function POST(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const raw = await bodyOf(req);
    if (raw && typeof raw === "object" && "itemIds" in raw) {
      const parsed = many.safeParse(raw);
      if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid decisions");
      return decideItems({ ctx, input: { ...parsed.data, campaignId: id } });
    }
    const parsed = one.safeParse(raw);
    if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid decision");
    return decideItem({ ctx, input: { ...parsed.data, campaignId: id } });
  });
}
