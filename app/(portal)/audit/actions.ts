"use server";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";
import { verifyAuditLog } from "@/lib/services/audit/search-audit";

export type VerifyState = { ok: boolean; message: string } | null;

/** Verify the audit hash chain now (auditors, security, admins; checked and audited in the service). */
export async function verifyAuditChainAction(_prev: VerifyState): Promise<VerifyState> {
  return runAction(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const r = await verifyAuditLog({ ctx: { actor, db } });
    return r.ok
      ? { ok: true, message: `The chain holds: ${r.events.toLocaleString("en-US")} events verified at ${r.checkedAt.replace("T", " ").slice(0, 19)} UTC. Head ${r.head.slice(0, 16)}…` }
      : { ok: false, message: `The chain is broken at event ${r.brokenAt}: ${r.reason}.` };
  });
}
