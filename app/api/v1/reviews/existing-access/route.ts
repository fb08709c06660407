import { launchExistingAccess, previewExistingAccess } from "@/lib/services/reviews/existing-access";
import { bodyOf, respond } from "../respond";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/reviews/existing-access?reviewerKind=manager|app_owner: admins; the preview of the first campaign
 * ("Review all existing access"): items per application and per reviewer, orphan accounts included.
 */
export async function GET(req: Request) {
  const reviewerKind = new URL(req.url).searchParams.get("reviewerKind") ?? undefined;
  return respond(req, (ctx) => previewExistingAccess({ ctx, input: { reviewerKind } }));
}

/**
 * POST /api/v1/reviews/existing-access {reviewerKind, dueAt, expected: {items, orphans}}: admins; launches the
 * campaign the preview showed (409 when the scope changed since). Generation runs as a job (poll GET /api/v1/reviews).
 */
export async function POST(req: Request) {
  return respond(req, async (ctx) => {
    const r = await launchExistingAccess({ ctx, input: await bodyOf(req) });
    return { campaignId: r.campaignId, name: r.name, jobId: r.jobId, preview: r.preview };
  });
}
