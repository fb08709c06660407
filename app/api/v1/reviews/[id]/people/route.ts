import { orphanPeopleSearch } from "@/lib/services/reviews/orphans";
import { respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/:id/people?q=: people to link an orphan account to, or to own it (reviewers of orphan items, admins). */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  const q = new URL(req.url).searchParams.get("q") ?? "";
  return respond(req, (ctx) => orphanPeopleSearch({ ctx, input: { campaignId: id, q } }));
}
