"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { cancelHeldRun, releaseHeldRun } from "@/lib/services/guard/held-runs";

export type HeldRunState = { ok: boolean; message: string } | null;

const input = z.object({ id: z.string().uuid(), verb: z.enum(["release", "cancel"]), note: z.string().max(1000).optional() });

/** Release (run it now) or cancel a held run. Admins only; checked, made exclusive and audited in the service. */
export async function decideHeldRunAction(_prev: HeldRunState, form: FormData): Promise<HeldRunState> {
  return runAction(async () => {
    const parsed = input.safeParse({ id: form.get("id"), verb: form.get("verb"), note: form.get("note") || undefined });
    if (!parsed.success) return { ok: false, message: "Invalid request." };
    const ctx = { actor: await actorOrThrow(), db: await getDb() };
    const { verb, ...rest } = parsed.data;
    let message: string;
    if (verb === "release") {
      const r = await releaseHeldRun({ ctx, input: rest });
      message = `Released: ${Number(r.result.operations ?? 0)} operations planned.`;
    } else {
      await cancelHeldRun({ ctx, input: rest });
      message = "Cancelled: nothing of this run was executed.";
    }
    revalidatePath("/admin/held-runs");
    revalidatePath(`/admin/held-runs/${rest.id}`);
    return { ok: true, message };
  }, form);
}
