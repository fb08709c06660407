"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { deleteSodPolicy, previewSodPolicy, saveSodPolicy, type SodViolator } from "@/lib/services/sod/policies";

export type SodPreviewResult = { ok: true; total: number; people: SodViolator[] } | { ok: false; message: string };
export type SodSaveResult = { ok: boolean; message: string };

// Shapes only; the service validates the content (zod) and checks the actor.
const payload = z.record(z.string(), z.unknown());

async function ctx() {
  const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
  return { actor, db };
}

export async function previewSodPolicyAction(input: unknown): Promise<SodPreviewResult> {
  return runAction(async () => {
    const r = await previewSodPolicy({ ctx: await ctx(), input: payload.parse(input) });
    return { ok: true, ...r };
  }, input);
}

export async function saveSodPolicyAction(input: unknown): Promise<SodSaveResult> {
  return runAction(async () => {
    const r = await saveSodPolicy({ ctx: await ctx(), input: payload.parse(input) });
    revalidatePath("/admin/sod");
    return { ok: true, message: `Saved. ${r.violatorsToday} ${r.violatorsToday === 1 ? "person violates" : "people violate"} it today; nobody's access was changed.` };
  }, input);
}

export async function deleteSodPolicyAction(input: unknown): Promise<SodSaveResult> {
  return runAction(async () => {
    const r = await deleteSodPolicy({ ctx: await ctx(), input: payload.parse(input) });
    revalidatePath("/admin/sod");
    return { ok: true, message: `Deleted "${r.name}".` };
  }, input);
}
