import { getAutoDecideStatus, setAutoDecide } from "@/lib/services/reviews/auto-decide";
import { bodyOf, respond, type IdParams } from "../../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/reviews/:id/auto-decide: mode, thresholds and the measured shadow agreement (admins, auditors). */
export async function GET(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, (ctx) => getAutoDecideStatus({ ctx, input: { campaignId: id } }));
}

/** POST /api/v1/reviews/:id/auto-decide { mode: "off" | "shadow" | "on" } (admins; "on" needs a shadow period that agreed). */
export async function POST(req: Request, { params }: IdParams) {
  const { id } = await params;
  return respond(req, async (ctx) => {
    const body = (await bodyOf(req)) as { mode?: unknown } | null;
    return setAutoDecide({ ctx, input: { campaignId: id, mode: body?.mode } });
  });
}
