/**
 * HR webhook signatures: HMAC-SHA256 with a shared secret, sent as `X-Gatehouse-Signature: sha256=<hex>` with
 * `X-Gatehouse-Timestamp: <unix seconds>`. A request outside the replay window (default ±300 s) is stale.
 *
 * What is signed must bind the call's identity, or a captured call can be replayed under a new Idempotency-Key
 * within the window. Two forms are accepted:
 *   1. `${timestamp}.${idempotencyKey}.${body}`: the key is signed (the preferred form);
 *   2. `${timestamp}.${body}` ONLY when the body carries its own `eventId`: the identity is inside the signed body,
 *      and the caller must deduplicate on that eventId rather than on the header.
 * A signature over timestamp and body alone, for a body without an eventId, is refused.
 * The HMAC itself is computed by the caller-supplied function so this file stays free of node:crypto.
 */
export type SignatureCheck = { ok: true; covers: "idempotency-key" | "event-id" } | { ok: false; status: 401; reason: string };

export function checkSignature(opts: {
  timestamp: string | null;
  signature: string | null;
  body: string;
  idempotencyKey?: string | null;
  /** The `eventId` inside the (parsed) body, if any. */
  eventId?: string | null;
  nowSeconds: number;
  windowSeconds?: number;
  hmacHex: (message: string) => string;
  timingSafeEqualHex: (a: string, b: string) => boolean;
}): SignatureCheck {
  const win = opts.windowSeconds ?? 300;
  if (!opts.timestamp || !/^\d{9,11}$/.test(opts.timestamp)) return { ok: false, status: 401, reason: "missing or malformed X-Gatehouse-Timestamp" };
  if (!opts.signature || !/^sha256=[0-9a-f]{64}$/.test(opts.signature)) return { ok: false, status: 401, reason: "missing or malformed X-Gatehouse-Signature" };
  const age = Math.abs(opts.nowSeconds - Number(opts.timestamp));
  if (age > win) return { ok: false, status: 401, reason: `timestamp outside the ${win}-second replay window` };
  const given = opts.signature.slice("sha256=".length);
  if (opts.idempotencyKey && opts.timingSafeEqualHex(opts.hmacHex(`${opts.timestamp}.${opts.idempotencyKey}.${opts.body}`), given)) {
    return { ok: true, covers: "idempotency-key" };
  }
  if (opts.timingSafeEqualHex(opts.hmacHex(`${opts.timestamp}.${opts.body}`), given)) {
    if (opts.eventId) return { ok: true, covers: "event-id" };
    return {
      ok: false, status: 401,
      reason: 'the signature covers only the timestamp and body: sign "<timestamp>.<Idempotency-Key>.<body>", or put an "eventId" in the body',
    };
  }
  return { ok: false, status: 401, reason: "signature does not match" };
}
