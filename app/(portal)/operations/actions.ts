"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError } from "@/lib/errors";
import { INCIDENT_KINDS, retryIncidents } from "@/lib/services/provisioning/retry-incidents";

const schema = z.object({
  applicationId: z.string().uuid().optional().or(z.literal("").transform(() => undefined)),
  kind: z.enum(INCIDENT_KINDS).optional().or(z.literal("").transform(() => undefined)),
});

export type BulkRetryState = { ok: boolean; message: string } | null;

/** Retry every incident of one system or one kind (admins; checked again in the service). */
export async function retryIncidentsAction(_prev: BulkRetryState, form: FormData): Promise<BulkRetryState> {
  const parsed = schema.safeParse({ applicationId: form.get("applicationId") ?? undefined, kind: form.get("kind") ?? undefined });
  if (!parsed.success) return { ok: false, message: "Unknown system or kind of incident." };
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await retryIncidents({ ctx: { actor, db }, input: parsed.data });
    revalidatePath("/operations");
    revalidatePath("/incidents");
    const parts = [
      r.reopened && `${r.reopened} re-opened`,
      r.dueNow && `${r.dueNow} due now`,
      r.superseded && `${r.superseded} already re-planned`,
      r.probed && `${r.probed} system${r.probed === 1 ? "" : "s"} probed now`,
    ].filter(Boolean);
    return { ok: true, message: parts.length ? `Retrying: ${parts.join(", ")}.` : "Nothing left to retry." };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}
