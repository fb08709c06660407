import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { handleRoute, readBodyText } from "@/lib/http/route";
import { handleHrWebhook, MAX_WEBHOOK_BYTES } from "@/lib/services/lifecycle/hr-webhook";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  return handleRoute(async () => {
    const body = await readBodyText(req, MAX_WEBHOOK_BYTES);
    const answer = await handleHrWebhook(
      await getDb(),
      { body, timestamp: req.headers.get("x-gatehouse-timestamp"), signature: req.headers.get("x-gatehouse-signature"), idempotencyKey: req.headers.get("idempotency-key") },
      env().GATEHOUSE_HR_WEBHOOK_SECRET,
    );
    return NextResponse.json(answer.body, { status: answer.status });
  });
}
