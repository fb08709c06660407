import { getOperationsSummary } from "@/lib/services/provisioning/get-operations";
import { respond } from "../../reviews/respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/operations/summary: queue counts for the live view (admins, security, auditors). */
export async function GET(req: Request) {
  return respond(req, (ctx) => getOperationsSummary({ ctx }));
}
