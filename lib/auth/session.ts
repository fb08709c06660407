import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { actorFacts } from "@/db/queries/people";
import { UnauthorizedError } from "@/lib/errors";
import { authOptions } from "./options";
import { rolesFromFacts, type Actor } from "./can";

/** Build the Actor from stored facts: roles follow from HR data and portal role rows. */
export async function loadActor(personId: string): Promise<Actor | null> {
  const db = await getDb();
  const f = await actorFacts(db, personId);
  // Agents and service accounts never sign in to the portal: they act only through their tokens.
  if (!f || f.status === "terminated" || f.kind !== "human") return null;
  return { personId: f.id, name: f.name, email: f.email, roles: rolesFromFacts(f), ownedApplicationIds: f.ownedApplicationIds };
}

/** The signed-in actor for this request, or null (memoised per request). */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await getServerSession(authOptions());
  const personId = (session as { personId?: string } | null)?.personId;
  if (!personId) return null;
  return loadActor(personId);
});

/** For pages and layouts: redirect to sign-in when there is no session. */
export async function requireActor(): Promise<Actor> {
  const a = await currentActor();
  if (!a) redirect("/signin");
  return a;
}

/** For route handlers and actions: throw (401/403 mapping is the caller's). */
export async function actorOrThrow(): Promise<Actor> {
  const a = await currentActor();
  if (!a) throw new UnauthorizedError();
  return a;
}
