import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { csrfRefusal } from "@/lib/auth/csrf";
import { actorOrThrow } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { handleRoute, readJsonBody } from "@/lib/http/route";
import type { Ctx } from "@/lib/services/context";

/**
 * Route-handler shell for every /api/v1 handler: the CSRF guard first (state-changing requests need a JSON body and
 * our own Origin, lib/auth/csrf.ts), then the actor from the session, one service call, errors mapped by
 * handleRoute (lib/http/route.ts: never a 500 for bad input).
 */
export async function respond(req: Request, fn: (ctx: Ctx) => Promise<unknown>): Promise<Response> {
  const refused = csrfRefusal(req, env().NEXTAUTH_URL);
  if (refused) return NextResponse.json({ error: refused.message, code: refused.status === 415 ? "unsupported_media_type" : "forbidden" }, { status: refused.status });
  return handleRoute(async () => {
    const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
    return fn({ actor, db });
  });
}

/** The JSON body (malformed → 400, too large → 413, NUL / lone surrogates → 400). */
export const bodyOf = (req: Request) => readJsonBody(req);

export type IdParams = { params: Promise<{ id: string }> };
