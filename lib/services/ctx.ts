import { getDb } from "@/db/client";
import { requireActor } from "@/lib/auth/session";
import type { Ctx } from "./context";

/** Context for a page render: the signed-in actor (or a redirect to sign-in) and the database. */
export async function pageCtx(): Promise<Ctx> {
  const [actor, db] = await Promise.all([requireActor(), getDb()]);
  return { actor, db };
}
