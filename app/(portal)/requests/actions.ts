"use server";
import { getDb } from "@/db/client";
import { actorOrThrow } from "@/lib/auth/session";
import { listMyRequests, type MyRequest } from "@/lib/services/requests/list-my-requests";

/** Live status of the actor's requests (polled by the My requests page). */
export async function myRequestsAction(): Promise<MyRequest[]> {
  const [actor, db] = await Promise.all([actorOrThrow(), getDb()]);
  return listMyRequests({ ctx: { actor, db } });
}
