/** GET /scim/v2/Schemas (RFC 7643 §7). */
import { getDb } from "@/db/client";
import { handleScimRequest } from "@/lib/services/scim-inbound/http";

export const dynamic = "force-dynamic";

function handle(req: Request) {
  return handleScimRequest(getDb, req, { endpoint: "Schemas" });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
