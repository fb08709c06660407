/**
 * HR webhook signatures: HMAC-SHA256 over `${timestamp}.${body}` with a shared secret, sent as
 * `X-Gatehouse-Signature: sha256=<hex>` with `X-Gatehouse-Timestamp: <unix seconds>`.
 * A request outside the replay window (default ±300 s) is stale. The HMAC itself is computed
 * by the caller-supplied function so this file stays free of node:crypto.
 */
export type SignatureCheck = { ok: true } | { ok: false; status: 401; reason: string };

export function checkSignature(opts: {
  timestamp: string | null;
  signature: string | null;
  body: string;
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
  const expected = opts.hmacHex(`${opts.timestamp}.${opts.body}`);
  if (!opts.timingSafeEqualHex(expected, opts.signature.slice("sha256=".length))) return { ok: false, status: 401, reason: "signature does not match" };
  return { ok: true };
}
