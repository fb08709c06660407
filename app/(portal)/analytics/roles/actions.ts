"use server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction, type Refusal } from "@/lib/http/action";
import { draftsFromMined, type DraftedRole } from "@/lib/services/mining/drafts-from-mined";
import { cancelMining, getMiningJob, startMining } from "@/lib/services/mining/mine-organisation";

export type MiningJobView = Awaited<ReturnType<typeof getMiningJob>>;

/** Start a mining job over the live organisation (exact or approximate); returns its id at once (the job runs in the background). */
export async function startMiningAction(input: { timeLimitMs?: number; mode?: "exact" | "approximate"; coverage?: number }): Promise<{ ok: true; jobId: string } | { ok: false; message: string }> {
  return runAction(async () => {
    const actor = await actorOrThrow();
    // The service validates mode and coverage (a refusal names the field); only the time limit gets a default here.
    const { jobId } = await startMining({
      ctx: { actor, db: await getDb() },
      input: { timeLimitMs: z.coerce.number().int().catch(8000).parse(input?.timeLimitMs ?? 8000), mode: input?.mode, coverage: input?.coverage },
    });
    return { ok: true, jobId };
  }, input);
}

/** Cancel a running mining job (its starter or an admin; checked in the service). */
export async function cancelMiningAction(jobId: string): Promise<{ ok: boolean; message: string }> {
  return runAction(async () => {
    const actor = await actorOrThrow();
    await cancelMining({ ctx: { actor, db: await getDb() }, input: { jobId } });
    return { ok: true, message: "Mining cancelled." };
  }, jobId);
}

/** Poll a mining job (or the latest one when no id is given). */
export async function miningJobAction(jobId: string | null): Promise<{ ok: true; job: MiningJobView } | Refusal> {
  return runAction(async () => {
    const actor = await actorOrThrow();
    return { ok: true as const, job: await getMiningJob({ ctx: { actor, db: await getDb() }, input: { jobId } }) };
  }, jobId);
}

export type DraftsState = { ok: boolean; message: string; created?: DraftedRole[] };

/** Chosen mined roles → DRAFT role templates with exactly the mined entitlements, read from the job on the server (admins only, audited). */
export async function draftsFromMinedAction(input: { jobId: string; roles: Array<{ roleId: string; name?: string }> }): Promise<DraftsState> {
  return runAction(async () => {
    const actor = await actorOrThrow();
    const created = await draftsFromMined({ ctx: { actor, db: await getDb() }, input });
    return { ok: true, message: `${created.length} draft role template(s) created with exactly the mined entitlements. Open each to preview its blast radius and publish.`, created };
  }, input);
}
