/**
 * Server-side session versions. Sessions are stateless next-auth JWTs (8 h), so signing out only dropped the cookie
 * in one browser: a copied token stayed valid. Each person now has `people.session_version`; the token carries the
 * value at sign-in (`sv`) and the jwt callback (lib/auth/options.ts) compares it on every use. Sign-out, the removal
 * of a portal role and termination (HR leaver) bump the version, which ends every session of that person.
 *
 * The check is cached per process for CACHE_MS so a page's burst of session reads costs one query; a bump made in
 * this process clears the entry at once, one made elsewhere (the worker's leaver sweep) is seen within CACHE_MS.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";

export const CACHE_MS = 3_000;
const cache = new Map<string, { version: number | null; at: number }>();

/** Forget cached versions (after a bump; tests). */
export function forgetSessionVersions(personIds?: string[]): void {
  if (!personIds) cache.clear();
  else for (const id of personIds) cache.delete(id);
}

/** The current version, or null when the person is gone or terminated (no session is valid then). */
export async function currentSessionVersion(db: Queryable, personId: string, opts: { fresh?: boolean; now?: number } = {}): Promise<number | null> {
  const now = opts.now ?? Date.now();
  const hit = opts.fresh ? undefined : cache.get(personId);
  if (hit && now - hit.at >= 0 && now - hit.at < CACHE_MS) return hit.version;
  const [p] = await db.select({ v: people.sessionVersion, status: people.status }).from(people).where(eq(people.id, personId));
  const version = p && p.status !== "terminated" ? p.v : null;
  cache.set(personId, { version, at: now });
  if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
  return version;
}

/** Bump in the caller's transaction (so it commits with the change that ends the sessions). */
export async function bumpSessionVersions(tx: Queryable, personIds: string[]): Promise<void> {
  if (!personIds.length) return;
  await tx.update(people).set({ sessionVersion: sql`${people.sessionVersion} + 1` }).where(inArray(people.id, personIds));
  forgetSessionVersions(personIds);
}

export type SessionToken = { personId?: unknown; sv?: unknown; [k: string]: unknown };

/**
 * The jwt callback's logic. At sign-in (`signedInAs`), stamp the token with the person's current version; later,
 * keep the token only while its version is current. A stale token comes back without `personId` (and the cookie is
 * re-issued that way), so the request is anonymous and the browser is signed out for good.
 */
export async function checkSessionToken(db: Queryable, token: SessionToken, signedInAs?: string | null): Promise<SessionToken> {
  if (signedInAs !== undefined) {
    const v = signedInAs ? await currentSessionVersion(db, signedInAs, { fresh: true }) : null;
    if (!signedInAs || v === null) return { revoked: true };
    return { ...token, personId: signedInAs, sv: v };
  }
  if (typeof token.personId !== "string") return token;
  const v = await currentSessionVersion(db, token.personId);
  // Tokens issued before versions existed carry no sv: they count as version 0.
  const sv = typeof token.sv === "number" ? token.sv : 0;
  if (v === null || v !== sv) return { revoked: true };
  return token;
}

/** Sign-out (next-auth's signOut event): ends every session of the person, audited. */
export async function recordSignOut(db: Queryable, personId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await bumpSessionVersions(tx, [personId]);
    await recordAudit(tx, { actorId: personId, actorKind: "person", action: "auth.signed_out", targetKind: "person", targetId: personId, data: { sessionsEnded: true } });
  });
  forgetSessionVersions([personId]); // again after commit: a read between bump and commit may have cached the old value
}
