import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { actorFacts } from "@/db/queries/people";
import { ForbiddenError } from "@/lib/errors";
import { authOptions } from "./options";
import type { Actor, PortalRole } from "./can";

/** Build the Actor from stored facts: roles follow from HR data and portal role rows. */
export async function loadActor(personId: string): Promise<Actor | null> {
  const db = await getDb();
  const f = await actorFacts(db, personId);
  if (!f || f.status === "terminated") return null;
  const roles: PortalRole[] = ["employee"];
  if (f.reports > 0) roles.push("manager");
  if (f.ownedApplicationIds.length > 0) roles.push("app_owner");
  for (const r of f.portalRoles) roles.push(r);
  return { personId: f.id, name: f.name, email: f.email, roles, ownedApplicationIds: f.ownedApplicationIds };
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
  if (!a) throw new ForbiddenError("Sign in first.");
  return a;
}
