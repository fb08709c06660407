/** /scim/v2 itself: 404 with a pointer to the endpoints; root searches answer 501. */
import { getDb } from "@/db/client";
import { handleScimRequest } from "@/lib/services/scim-inbound/http";

export const dynamic = "force-dynamic";

function handle(req: Request) {
  return handleScimRequest(getDb, req, { endpoint: "root" });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
