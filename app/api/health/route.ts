import { NextResponse } from "next/server";
import { getHandle } from "@/db/client";
import { healthCounts } from "@/db/queries/stats";
import { logUnexpected, newReference } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** Liveness and database status with headline counts. No secrets, no personal data. */
export async function GET() {
  const started = Date.now();
  try {
    const h = await getHandle();
    const counts = await healthCounts(h.db);
    return NextResponse.json({ status: "ok", database: { status: "ok", driver: h.kind, latencyMs: Date.now() - started }, counts });
  } catch (err) {
    logUnexpected("health", newReference(), err);
    return NextResponse.json({ status: "error", database: { status: "unavailable", error: "database unreachable" } }, { status: 503 });
  }
}
