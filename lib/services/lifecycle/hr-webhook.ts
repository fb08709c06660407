/**
 * POST /api/hr/events: an HR system pushes people changes, signed with HMAC-SHA256 (lib/domain/webhook-signature).
 * Forged, stale or malformed calls change nothing (401/400); a replayed call is answered 409 and changes nothing:
 * the signature covers the Idempotency-Key, or the body carries a signed `eventId` that is then the dedup key, so
 * a captured call cannot be replayed under a new key. Each event's effective time (its `effectiveAt`, else the
 * signed timestamp) orders it against other HR data (apply-hr-records). Accepted events go through the one HR pipeline.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { Actor } from "@/lib/auth/can";
import type { HrRecord } from "@/lib/domain/hr-import";
import { firstUnsafeText, UNSAFE_TEXT_MESSAGE } from "@/lib/domain/strict-input";
import { checkSignature } from "@/lib/domain/webhook-signature";
import { isoDate } from "@/lib/validation";
import { applyHrRecords } from "./apply-hr-records";

export const MAX_WEBHOOK_BYTES = 1_000_000;

const date = isoDate;
const person = z.object({
  employeeId: z.string().min(1).max(64),
  givenName: z.string().min(1).max(200),
  familyName: z.string().min(1).max(200),
  email: z.string().email(),
  department: z.string().min(1).max(200),
  title: z.string().min(1).max(200),
  level: z.number().int().min(0).max(20).default(1),
  location: z.string().max(200).default("Unknown"),
  managerEmployeeId: z.string().max(64).nullable().default(null),
  employmentType: z.enum(["employee", "contractor", "intern"]).default("employee"),
  status: z.enum(["pre_hire", "active", "on_leave", "terminated"]).default("active"),
  startDate: date.nullable().default(null),
  endDate: date.nullable().default(null),
  costCenter: z.string().max(100).nullable().default(null),
  attributes: z.record(z.string(), z.string()).default({}),
});
const isoTime = z.string().datetime({ offset: true, message: "must be an ISO-8601 date-time, e.g. 2026-11-22T10:00:00Z" });
export const webhookBody = z.object({
  /** The sender's id of this call, inside the signed body (an alternative to signing the Idempotency-Key). */
  eventId: z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, "8-128 characters: letters, digits, . _ : -").optional(),
  events: z.array(z.object({ effectiveAt: isoTime.optional(), person })).min(1).max(5000),
});

export const hrSourceActor: Actor = { personId: "system:hr-webhook", name: "HR webhook", email: "", roles: ["hr_source"], ownedApplicationIds: [] };

export type WebhookAnswer = { status: number; body: Record<string, unknown> };

export async function handleHrWebhook(db: Db, req: { body: string; timestamp: string | null; signature: string | null; idempotencyKey: string | null }, secret: string | undefined, now = new Date()): Promise<WebhookAnswer> {
  if (!secret) return { status: 503, body: { error: "HR webhook is not configured (GATEHOUSE_HR_WEBHOOK_SECRET)" } };
  if (Buffer.byteLength(req.body) > MAX_WEBHOOK_BYTES) return { status: 413, body: { error: `payload larger than ${MAX_WEBHOOK_BYTES} bytes` } };
  let json: unknown;
  let jsonOk = true;
  try {
    json = JSON.parse(req.body);
  } catch {
    jsonOk = false;
  }
  // Only read here to know whether the body names itself; nothing is trusted before the signature is checked.
  const claimedEventId = jsonOk && json && typeof json === "object" && typeof (json as { eventId?: unknown }).eventId === "string" ? (json as { eventId: string }).eventId : null;
  const sig = checkSignature({
    timestamp: req.timestamp, signature: req.signature, body: req.body, idempotencyKey: req.idempotencyKey, eventId: claimedEventId,
    nowSeconds: Math.floor(now.getTime() / 1000),
    hmacHex: (m) => createHmac("sha256", secret).update(m).digest("hex"),
    timingSafeEqualHex: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex")),
  });
  if (!sig.ok) return { status: 401, body: { error: sig.reason } };
  if (sig.covers === "idempotency-key" && (!req.idempotencyKey || !/^[A-Za-z0-9._:-]{8,128}$/.test(req.idempotencyKey))) {
    return { status: 400, body: { error: "Idempotency-Key header required (8-128 characters: letters, digits, . _ : -)" } };
  }
  if (!jsonOk) return { status: 400, body: { error: "body is not valid JSON" } };
  const unsafe = firstUnsafeText(json);
  if (unsafe) return { status: 400, body: { error: `invalid body: text ${UNSAFE_TEXT_MESSAGE}`, issues: [{ path: unsafe, message: UNSAFE_TEXT_MESSAGE }] } };
  const parsed = webhookBody.safeParse(json);
  if (!parsed.success) return { status: 400, body: { error: "invalid body", issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join("."), message: i.message })) } };
  // The dedup key is what the signature binds: the signed eventId when the body has one, else the signed header.
  const dedupKey = parsed.data.eventId ? `webhook-event:${parsed.data.eventId}` : `webhook:${req.idempotencyKey}`;
  const sentAt = new Date(Number(req.timestamp) * 1000).toISOString();
  const rawEvents = (json as { events: Array<{ person?: { status?: unknown } }> }).events;
  const records: HrRecord[] = parsed.data.events.map((e, i) => ({
    line: i + 1, ...e.person, effectiveAt: e.effectiveAt ? new Date(e.effectiveAt).toISOString() : sentAt, statusGiven: rawEvents[i]?.person?.status !== undefined,
  }));
  const result = await applyHrRecords({ ctx: { db, actor: hrSourceActor, clock: () => now }, input: { source: "webhook", idempotencyKey: dedupKey }, records });
  if (result.duplicate) {
    const what = parsed.data.eventId ? { error: "this eventId was already processed", eventId: parsed.data.eventId } : { error: "this Idempotency-Key was already processed", idempotencyKey: req.idempotencyKey };
    return { status: 409, body: what };
  }
  if (result.held?.id) return { status: 202, body: { accepted: records.length, held: { id: result.held.id, reasons: result.held.reasons }, message: "held by the mass-change guard: nothing applied until an admin releases it" } };
  if (!result.applied) return { status: 422, body: { error: "events refer to unknown data or set fields HR may not set; nothing was applied", errors: result.errors } };
  return {
    status: 202,
    body: {
      accepted: records.length - result.skipped, skipped: result.warnings.map((w) => ({ event: w.line, message: w.message })),
      events: result.events.map((e) => ({ employeeId: e.employeeId, kind: e.kind, reason: e.reason })), operations: result.operations,
    },
  };
}
