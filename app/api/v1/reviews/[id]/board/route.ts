import { reviewBoardParams } from "@/lib/http/page-params";
import { getReviewBoard } from "@/lib/services/reviews/review-board";
import { respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/reviews/:id/board?status=open|decided|all&rec=all|flagged|remove|review|no_action&app=&person=&q=&page=&size=
 * One page of the signed-in reviewer's items (ownership in SQL) with the counts over all of them. Parameters are
 * read by the same tolerant reader as the page (a bad value is ignored and named in `notices`, never a 500).
 */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  const { values, notices } = reviewBoardParams(Object.fromEntries(new URL(req.url).searchParams));
  return respond(req, async (ctx) => ({ ...(await getReviewBoard({ ctx, input: { ...values, campaignId: id } })), notices }));
}
