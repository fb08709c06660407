import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError } from "@/lib/errors";
import { getOperationsSummary } from "@/lib/services/provisioning/get-operations";

export const dynamic = "force-dynamic";

/** GET /api/v1/operations/summary: queue counts for the live view (admins, security, auditors). */
export async function GET() {
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    return NextResponse.json(await getOperationsSummary({ ctx: { actor, db } }), { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    const e = toUserError(err);
    return NextResponse.json({ error: e.message, code: e.code }, { status: e.status === 403 && e.message === "Sign in first." ? 401 : e.status });
  }
}
