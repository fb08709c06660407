/**
 * The one shell for JSON route handlers (app/api/**): run the handler, map every refusal through
 * toUserError (validation 400, no session 401, forbidden 403, not found 404, conflict 409,
 * too large 413, input the database refused 4xx) to `{ error, code, fields? }`, and answer 500
 * only for real bugs (logged with a reference, secrets redacted). SCIM has its own error format
 * (lib/services/scim-inbound/http.ts) over the same mapping.
 */
import { NextResponse } from "next/server";
import { assertSafeText } from "@/lib/validation";
import { PayloadTooLargeError, toUserError, ValidationError } from "@/lib/errors";

export const MAX_JSON_BYTES = 1_000_000;

/** A JSON error answer for any thrown value. */
export function errorResponse(err: unknown): Response {
  const e = toUserError(err);
  return NextResponse.json({ error: e.message, code: e.code, ...(e.fields ? { fields: e.fields } : {}) }, { status: e.status, headers: { "Cache-Control": "no-store" } });
}

/** Run a handler: a Response passes through, anything else is sent as JSON; errors are mapped. Never throws. */
export async function handleRoute(fn: () => Promise<unknown>): Promise<Response> {
  try {
    const out = await fn();
    return out instanceof Response ? out : NextResponse.json(out ?? null, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}

/** The request body as text, at most `maxBytes` (413 beyond, whether declared or streamed). */
export async function readBodyText(req: Request, maxBytes = MAX_JSON_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new PayloadTooLargeError(`The request body is larger than ${maxBytes} bytes.`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(`The request body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parse JSON strictly: malformed → 400; NUL or lone surrogates anywhere in it → 400. */
export function parseJsonText(text: string): unknown {
  if (!text.trim()) throw new ValidationError("Send a JSON body.");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError("The request body is not valid JSON.");
  }
  assertSafeText(body, "The request body");
  return body;
}

/** The JSON body of a request (size-limited, strictly parsed). */
export async function readJsonBody(req: Request, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  return parseJsonText(await readBodyText(req, maxBytes));
}
