/** GET /scim/v2/ResourceTypes (RFC 7643 §6). */
import { getDb } from "@/db/client";
import { handleScimRequest } from "@/lib/services/scim-inbound/http";

export const dynamic = "force-dynamic";

function handle(req: Request) {
  return handleScimRequest(getDb, req, { endpoint: "ResourceTypes" });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
