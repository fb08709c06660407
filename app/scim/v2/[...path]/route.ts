/** Any other /scim/v2/… path: endpoint names in another case (/users), /Me and /Bulk (501), else a SCIM 404. */
import { z } from "zod";
import { getDb } from "@/db/client";
import { handleScimRequest, scimNotFound } from "@/lib/services/scim-inbound/http";

export const dynamic = "force-dynamic";

const params = z.object({ path: z.array(z.string().max(300)).max(10) });

async function handle(req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const p = params.safeParse(await ctx.params);
  if (!p.success) return scimNotFound(req);
  return handleScimRequest(getDb, req, { endpoint: "other", rest: p.data.path });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
