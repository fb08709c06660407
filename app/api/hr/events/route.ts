import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { toUserError } from "@/lib/errors";
import { handleHrWebhook, MAX_WEBHOOK_BYTES } from "@/lib/services/lifecycle/hr-webhook";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  try {
    const len = Number(req.headers.get("content-length") ?? 0);
    if (len > MAX_WEBHOOK_BYTES) return NextResponse.json({ error: "payload too large" }, { status: 413 });
    const body = await req.text();
    const answer = await handleHrWebhook(
      await getDb(),
      { body, timestamp: req.headers.get("x-gatehouse-timestamp"), signature: req.headers.get("x-gatehouse-signature"), idempotencyKey: req.headers.get("idempotency-key") },
      env().GATEHOUSE_HR_WEBHOOK_SECRET,
    );
    return NextResponse.json(answer.body, { status: answer.status });
  } catch (err) {
    const e = toUserError(err);
    return NextResponse.json({ error: e.message }, { status: e.status });
  }
}
