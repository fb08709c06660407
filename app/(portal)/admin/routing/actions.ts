"use server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { saveRoutingPolicy } from "@/lib/services/requests/routing-policy";

export type SavePolicyState = { ok: boolean; message: string } | null;

/** Save the edited thresholds as the active policy or as a shadow policy, or turn shadow mode off (admins; checked and validated in the service). */
export async function savePolicyAction(_prev: SavePolicyState, form: FormData): Promise<SavePolicyState> {
  const mode = String(form.get("mode") ?? "");
  const num = (k: string) => Number(form.get(k));
  const input =
    mode === "shadow_off"
      ? { mode }
      : {
          mode,
          policy: {
            autoApproveMaxRisk: num("autoApproveMaxRisk"),
            autoApproveMinPeerAdoption: num("autoApproveMinPeerAdoptionPct") / 100,
            managerMaxRisk: num("managerMaxRisk"),
            reminderHours: num("reminderHours"),
            escalationHours: num("escalationHours"),
            contractorsNeedSponsor: form.get("contractorsNeedSponsor") === "on",
            requesterMayApprove: form.get("requesterMayApprove") === "on",
          },
        };
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    await saveRoutingPolicy({ ctx: { actor, db }, input });
    revalidatePath("/admin/routing");
    return { ok: true, message: mode === "active" ? "Saved: new requests are routed with this policy." : mode === "shadow" ? "Saved as shadow: it records what it would do, and decides nothing." : "Shadow mode is off." };
  }, form);
}
