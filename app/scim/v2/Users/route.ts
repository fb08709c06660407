/** GET /scim/v2/Users (list, filter, sort, page) and POST (create): see lib/services/scim-inbound. */
import { getDb } from "@/db/client";
import { handleScimRequest } from "@/lib/services/scim-inbound/http";

export const dynamic = "force-dynamic";

function handle(req: Request) {
  return handleScimRequest(getDb, req, { endpoint: "Users" });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
