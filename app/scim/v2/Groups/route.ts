/** GET (list, filter, page) and POST (create) /scim/v2/Groups: IdP groups, see lib/services/scim-inbound/groups.ts. */
import { getDb } from "@/db/client";
import { handleScimRequest } from "@/lib/services/scim-inbound/http";

export const dynamic = "force-dynamic";

function handle(req: Request) {
  return handleScimRequest(getDb, req, { endpoint: "Groups" });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
