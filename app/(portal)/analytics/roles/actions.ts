"use server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError } from "@/lib/errors";
import { draftsFromMined } from "@/lib/services/mining/drafts-from-mined";
import { getMiningJob, startMining } from "@/lib/services/mining/mine-organisation";

export type MiningJobView = Awaited<ReturnType<typeof getMiningJob>>;

/** Start a mining job over the live organisation; returns its id at once (the job runs in the background). */
export async function startMiningAction(input: { timeLimitMs?: number }): Promise<{ ok: true; jobId: string } | { ok: false; message: string }> {
  try {
    const actor = await actorOrThrow();
    const { jobId } = await startMining({ ctx: { actor, db: await getDb() }, input: { timeLimitMs: z.coerce.number().int().catch(8000).parse(input?.timeLimitMs ?? 8000) } });
    return { ok: true, jobId };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}

/** Poll a mining job (or the latest one when no id is given). */
export async function miningJobAction(jobId: string | null): Promise<MiningJobView> {
  const actor = await actorOrThrow();
  return getMiningJob({ ctx: { actor, db: await getDb() }, input: { jobId } });
}

export type DraftsState = { ok: boolean; message: string; created?: Array<{ id: string; name: string; entitlements: number }> };

/** Chosen mined roles → DRAFT role templates by entitlement id (admins only, audited). */
export async function draftsFromMinedAction(input: { jobId: string; roles: Array<{ name: string; entitlementIds: string[] }> }): Promise<DraftsState> {
  try {
    const actor = await actorOrThrow();
    const created = await draftsFromMined({ ctx: { actor, db: await getDb() }, input });
    return { ok: true, message: `${created.length} draft role template(s) created. Open each to preview its blast radius and publish.`, created };
  } catch (err) {
    return { ok: false, message: toUserError(err).message };
  }
}
