"use server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction, type Refusal } from "@/lib/http/action";
import { listMyRequests, type MyRequest } from "@/lib/services/requests/list-my-requests";
import { withdrawRequest } from "@/lib/services/requests/withdraw-request";

/** Live status of the actor's requests (polled by the My requests page); a refusal (signed out) comes back as a message. */
export async function myRequestsAction(): Promise<{ ok: true; rows: MyRequest[] } | Refusal> {
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    return { ok: true as const, rows: await listMyRequests({ ctx: { actor, db } }) };
  });
}

export type WithdrawState = { ok: boolean; message: string } | null;
const withdrawInput = z.object({ requestId: z.string().uuid(), reason: z.string().max(500).optional() });

/** Withdraw what is still waiting for approval in one of the actor's requests (checked in the service). */
export async function withdrawRequestAction(_prev: WithdrawState, form: FormData): Promise<WithdrawState> {
  const parsed = withdrawInput.safeParse({ requestId: form.get("requestId"), reason: form.get("reason") ?? undefined });
  if (!parsed.success) return { ok: false, message: "Unknown request." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await withdrawRequest({ ctx: { actor, db }, input: parsed.data });
    return { ok: true, message: `Withdrawn (${r.withdrawnItems} item${r.withdrawnItems === 1 ? "" : "s"}).` };
  });
}
