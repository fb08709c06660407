/**
 * The audit log for auditors, security and admins: search by actor, person, action and date, newest
 * first, 50 a page; and verification of the hash chain on demand (itself audited).
 *
 * Filters are read leniently: a filter that does not parse (an impossible date, an oversized string)
 * is dropped and named in `ignored`, so a bad link never fails the page.
 */
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { rowsOf } from "@/db/client";
import { recordAudit, verifyAuditChain, type VerifyResult } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError } from "@/lib/errors";
import { text as safeText } from "@/lib/validation";
import { nowOf, type Ctx } from "@/lib/services/context";

export const AUDIT_PAGE_SIZE = 50;

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "not a calendar date");
const text = safeText(200).trim().min(1);

const fields = {
  actor: text,
  person: text,
  action: z.string().trim().min(1).max(100).regex(/^[a-z0-9_.]+$/i),
  from: isoDay,
  to: isoDay,
  page: z.coerce.number().int().min(1).max(100_000),
} as const;
type Field = keyof typeof fields;

export type AuditFilters = { actor?: string; person?: string; action?: string; from?: string; to?: string; page: number };
export type AuditRow = {
  seq: number; at: string; actorKind: string; actorId: string | null; actorName: string | null;
  action: string; targetKind: string | null; targetId: string | null; targetName: string | null; data: Record<string, unknown>; hash: string;
};

/** Parse page search params: each field on its own; what does not parse is ignored and reported. */
export function parseAuditFilters(raw: Record<string, string | string[] | undefined>): { filters: AuditFilters; ignored: string[] } {
  const filters: AuditFilters = { page: 1 };
  const ignored: string[] = [];
  for (const k of Object.keys(fields) as Field[]) {
    const v = raw[k];
    if (v === undefined || v === "") continue;
    const r = fields[k].safeParse(Array.isArray(v) ? v[0] : v);
    if (r.success) (filters as Record<string, unknown>)[k] = r.data;
    else ignored.push(k);
  }
  return { filters, ignored };
}

// CASE (unlike AND) guarantees the cast only sees well-formed ids.
const UUID_RE = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchAudit({ ctx, input }: { ctx: Ctx; input: AuditFilters }): Promise<{ rows: AuditRow[]; hasMore: boolean; page: number }> {
  if (!can(ctx.actor, "audit.read")) throw new ForbiddenError("Only auditors, security and admins can read the audit log.");
  const f = input;
  const where: SQL[] = [sql`TRUE`];
  if (f.actor) {
    const kinds = ["person", "system", "worker", "api", "cli", "agent"];
    where.push(kinds.includes(f.actor.toLowerCase())
      ? sql`e.actor_kind = ${f.actor.toLowerCase()}`
      : sql`(a.display_name ILIKE ${like(f.actor)} OR a.email ILIKE ${like(f.actor)} OR e.actor_id = ${f.actor})`);
  }
  if (f.person) where.push(sql`(t.display_name ILIKE ${like(f.person)} OR t.email ILIKE ${like(f.person)} OR t.employee_id = ${f.person} OR e.target_id = ${f.person})`);
  if (f.action) where.push(sql`e.action LIKE ${`${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (f.from) where.push(sql`e.at >= ${`${f.from}T00:00:00Z`}::timestamptz`);
  if (f.to) where.push(sql`e.at < (${`${f.to}T00:00:00Z`}::timestamptz + interval '1 day')`);
  const offset = (f.page - 1) * AUDIT_PAGE_SIZE;
  const rows = rowsOf<{ seq: string | number; at: string | Date; actor_kind: string; actor_id: string | null; actor_name: string | null; action: string; target_kind: string | null; target_id: string | null; target_name: string | null; data: Record<string, unknown> | null; hash: string }>(
    await ctx.db.execute(sql`
      SELECT e.seq, e.at, e.actor_kind, e.actor_id, a.display_name AS actor_name, e.action, e.target_kind, e.target_id,
             t.display_name AS target_name, e.data, e.hash
      FROM audit_events e
      LEFT JOIN people a ON a.id = (CASE WHEN e.actor_id ~* ${UUID_RE} THEN e.actor_id::uuid END)
      LEFT JOIN people t ON e.target_kind = 'person' AND t.id = (CASE WHEN e.target_id ~* ${UUID_RE} THEN e.target_id::uuid END)
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY e.seq DESC
      LIMIT ${AUDIT_PAGE_SIZE + 1} OFFSET ${offset}`),
  );
  return {
    page: f.page,
    hasMore: rows.length > AUDIT_PAGE_SIZE,
    rows: rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({
      seq: Number(r.seq), at: new Date(r.at).toISOString(), actorKind: r.actor_kind, actorId: r.actor_id, actorName: r.actor_name,
      action: r.action, targetKind: r.target_kind, targetId: r.target_id, targetName: r.target_name, data: r.data ?? {}, hash: r.hash,
    })),
  };
}

/** Walk the whole chain now; the check and its outcome are themselves audited. */
export async function verifyAuditLog({ ctx }: { ctx: Ctx; input?: unknown }): Promise<VerifyResult & { checkedAt: string }> {
  if (!can(ctx.actor, "audit.read")) throw new ForbiddenError("Only auditors, security and admins can verify the audit log.");
  const result = await verifyAuditChain(ctx.db);
  const checkedAt = nowOf(ctx).toISOString();
  await ctx.db.transaction((tx) =>
    recordAudit(tx, {
      actorId: ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId, actorKind: ctx.actor.personId.startsWith("system:") ? "system" : "person",
      action: "audit.verified", targetKind: "audit_log", targetId: "chain",
      data: result.ok ? { ok: true, events: result.events, head: result.head } : { ok: false, events: result.events, brokenAt: result.brokenAt, reason: result.reason },
    }),
  );
  return { ...result, checkedAt };
}
