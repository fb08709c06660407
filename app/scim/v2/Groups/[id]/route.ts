/** GET, PUT, PATCH, DELETE /scim/v2/Groups/{id}; POST /scim/v2/Groups/.search. */
import { z } from "zod";
import { getDb } from "@/db/client";
import { handleScimRequest, scimNotFound } from "@/lib/services/scim-inbound/http";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.string().min(1).max(300) });

async function handle(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const p = params.safeParse(await ctx.params);
  if (!p.success) return scimNotFound(req);
  return handleScimRequest(getDb, req, { endpoint: "Groups", id: p.data.id });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
