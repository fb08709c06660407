"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { retryIncident } from "@/lib/services/provisioning/retry-incident";

const schema = z.object({ incidentId: z.string().uuid() });

export type RetryState = { ok: boolean; message: string } | null;

/** Retry the dead-lettered operation of an incident (admins; checked again in the service). */
export async function retryIncidentAction(_prev: RetryState, form: FormData): Promise<RetryState> {
  const parsed = schema.safeParse({ incidentId: form.get("incidentId") });
  if (!parsed.success) return { ok: false, message: "Unknown incident." };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await retryIncident({ ctx: { actor, db }, input: parsed.data });
    revalidatePath("/incidents");
    revalidatePath("/operations");
    return { ok: true, message: r.superseded ? "Already re-planned: the newer operation carries the retry." : "Retrying now." };
  }, form);
}
