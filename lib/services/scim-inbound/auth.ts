/**
 * Bearer-token authentication of SCIM clients: the token's SHA-256 is looked up among tokens
 * that are not revoked (only hashes are stored). The caller acts as an "hr_source" machine actor
 * whose id names the token, so audit events say which token wrote. lastUsedAt is refreshed at
 * most once a minute (no write per request).
 */
import type { Queryable } from "@/db/client";
import { activeScimTokenByHash, touchScimToken } from "@/db/queries/scim";
import type { Actor } from "@/lib/auth/can";
import { sha256Hex } from "@/lib/crypto";

export async function scimActor(db: Queryable, authorization: string | null, now = new Date()): Promise<Actor | null> {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]{10,200})\s*$/i.exec(authorization ?? "");
  if (!m) return null;
  const t = await activeScimTokenByHash(db, sha256Hex(m[1]));
  if (!t) return null;
  if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > 60_000) await touchScimToken(db, t.id, now);
  return { personId: `system:scim:${t.id}`, name: `SCIM token "${t.name}"`, email: "", roles: ["hr_source"], ownedApplicationIds: [] };
}
