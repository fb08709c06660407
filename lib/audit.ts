/**
 * Hash-chained, append-only audit log.
 *
 * Invariant: event n stores prevHash = hash(n-1) and hash = sha256(prevHash + "\n" +
 * canonical(event fields)). Writers lock the single `audit_head` row (UPDATE ... RETURNING)
 * so concurrent transactions append one after another; because the event is written in
 * the caller's transaction, a failed audit write rolls the change back, and a rolled-back
 * change leaves no event behind.
 */
import { createHash } from "node:crypto";
import { asc, eq, gt, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditEvents, auditHead } from "@/db/schema";

export type AuditInput = {
  actorId?: string | null;
  actorKind: "person" | "system" | "worker" | "api" | "cli" | "agent";
  action: string;
  targetKind?: string | null;
  targetId?: string | null;
  data?: Record<string, unknown>;
};

export const GENESIS = "genesis";

/** JSON with sorted keys at every depth: the same value always hashes the same. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
}

export function eventHash(prevHash: string, e: {
  seq: number; at: string; actorId: string | null; actorKind: string; action: string;
  targetKind: string | null; targetId: string | null; data: Record<string, unknown>;
}): string {
  const body = canonical({
    seq: e.seq, at: new Date(e.at).toISOString(), actorId: e.actorId, actorKind: e.actorKind, action: e.action,
    targetKind: e.targetKind, targetId: e.targetId, data: e.data,
  });
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

/** Append events in the caller's transaction. Returns their sequence numbers. */
export async function recordAudit(tx: Queryable, input: AuditInput | AuditInput[]): Promise<number[]> {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0) return [];
  const [head] = await tx
    .update(auditHead)
    .set({ seq: sql`${auditHead.seq} + ${list.length}` })
    .where(eq(auditHead.id, 1))
    .returning({ seq: auditHead.seq, hash: auditHead.hash });
  if (!head) throw new Error("audit_head row missing: run the migrations");
  let seq = head.seq - list.length;
  let prev = head.hash;
  const at = new Date().toISOString();
  const rows = list.map((i) => {
    seq += 1;
    const data = JSON.parse(JSON.stringify(i.data ?? {})) as Record<string, unknown>;
    const e = {
      seq, at, actorId: i.actorId ?? null, actorKind: i.actorKind, action: i.action,
      targetKind: i.targetKind ?? null, targetId: i.targetId ?? null, data,
    };
    const hash = eventHash(prev, e);
    const row = { ...e, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditEvents).values(rows.slice(i, i + 1000));
  await tx.update(auditHead).set({ hash: prev }).where(eq(auditHead.id, 1));
  return rows.map((r) => r.seq);
}

export type VerifyResult =
  | { ok: true; events: number; head: string }
  | { ok: false; events: number; brokenAt: number; reason: string };

/** Walk the chain in order; report the first event whose link or hash does not hold. */
export async function verifyAuditChain(db: Queryable, pageSize = 5000): Promise<VerifyResult> {
  let prev = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  let last = 0;
  for (;;) {
    const page = await db.select().from(auditEvents).where(gt(auditEvents.seq, last)).orderBy(asc(auditEvents.seq)).limit(pageSize);
    if (page.length === 0) break;
    for (const e of page) {
      if (e.seq !== expectedSeq) return { ok: false, events: count, brokenAt: expectedSeq, reason: `event ${expectedSeq} is missing (next is ${e.seq})` };
      if (e.prevHash !== prev) return { ok: false, events: count, brokenAt: e.seq, reason: `event ${e.seq} does not link to event ${e.seq - 1}` };
      const h = eventHash(prev, { ...e, data: e.data ?? {} });
      if (h !== e.hash) return { ok: false, events: count, brokenAt: e.seq, reason: `event ${e.seq} was altered (hash mismatch)` };
      prev = e.hash;
      expectedSeq += 1;
      count += 1;
      last = e.seq;
    }
  }
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  if (head && (head.seq !== count || head.hash !== prev)) {
    return { ok: false, events: count, brokenAt: count + 1, reason: `chain ends at event ${count} but the head records ${head.seq} events (events removed from the end)` };
  }
  return { ok: true, events: count, head: prev };
}
