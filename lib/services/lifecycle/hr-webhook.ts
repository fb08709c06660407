/**
 * POST /api/hr/events: an HR system pushes people changes, signed with HMAC-SHA256.
 * Forged, stale or malformed calls change nothing (401/400); a replayed idempotency key is
 * answered 409 and changes nothing; accepted events go through the one HR pipeline.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { Actor } from "@/lib/auth/can";
import type { HrRecord } from "@/lib/domain/hr-import";
import { checkSignature } from "@/lib/domain/webhook-signature";
import { applyHrRecords } from "./apply-hr-records";

export const MAX_WEBHOOK_BYTES = 1_000_000;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
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
export const webhookBody = z.object({ events: z.array(z.object({ person })).min(1).max(5000) });

export const hrSourceActor: Actor = { personId: "system:hr-webhook", name: "HR webhook", email: "", roles: ["hr_source"], ownedApplicationIds: [] };

export type WebhookAnswer = { status: number; body: Record<string, unknown> };

export async function handleHrWebhook(db: Db, req: { body: string; timestamp: string | null; signature: string | null; idempotencyKey: string | null }, secret: string | undefined, now = new Date()): Promise<WebhookAnswer> {
  if (!secret) return { status: 503, body: { error: "HR webhook is not configured (GATEHOUSE_HR_WEBHOOK_SECRET)" } };
  if (Buffer.byteLength(req.body) > MAX_WEBHOOK_BYTES) return { status: 413, body: { error: `payload larger than ${MAX_WEBHOOK_BYTES} bytes` } };
  const sig = checkSignature({
    timestamp: req.timestamp, signature: req.signature, body: req.body, nowSeconds: Math.floor(now.getTime() / 1000),
    hmacHex: (m) => createHmac("sha256", secret).update(m).digest("hex"),
    timingSafeEqualHex: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex")),
  });
  if (!sig.ok) return { status: 401, body: { error: sig.reason } };
  if (!req.idempotencyKey || !/^[A-Za-z0-9._:-]{8,128}$/.test(req.idempotencyKey)) return { status: 400, body: { error: "Idempotency-Key header required (8-128 characters: letters, digits, . _ : -)" } };
  let json: unknown;
  try {
    json = JSON.parse(req.body);
  } catch {
    return { status: 400, body: { error: "body is not valid JSON" } };
  }
  const parsed = webhookBody.safeParse(json);
  if (!parsed.success) return { status: 400, body: { error: "invalid body", issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join("."), message: i.message })) } };
  const records: HrRecord[] = parsed.data.events.map((e, i) => ({ line: i + 1, ...e.person }));
  const result = await applyHrRecords({ ctx: { db, actor: hrSourceActor }, input: { source: "webhook", idempotencyKey: `webhook:${req.idempotencyKey}` }, records });
  if (result.duplicate) return { status: 409, body: { error: "this Idempotency-Key was already processed", idempotencyKey: req.idempotencyKey } };
  if (!result.applied) return { status: 422, body: { error: "events refer to unknown data; nothing was applied", errors: result.errors } };
  return { status: 202, body: { accepted: records.length, events: result.events.map((e) => ({ employeeId: e.employeeId, kind: e.kind, reason: e.reason })), operations: result.operations } };
}
