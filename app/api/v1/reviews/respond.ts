import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { toUserError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

/** Route-handler shell for /api/v1/reviews: actor from the session, one service call, errors as JSON. */
export async function respond(fn: (ctx: Ctx) => Promise<unknown>): Promise<Response> {
  try {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    const out = await fn({ actor, db });
    return out instanceof Response ? out : NextResponse.json(out, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    const e = toUserError(err);
    const status = e.status === 403 && e.message === "Sign in first." ? 401 : e.status;
    return NextResponse.json({ error: e.message, code: e.code, fields: e.fields }, { status });
  }
}

/** The JSON body, or a validation error. */
export async function bodyOf(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new ValidationError("Send a JSON body.");
  }
}

export type IdParams = { params: Promise<{ id: string }> };
