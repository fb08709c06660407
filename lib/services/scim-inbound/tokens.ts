/**
 * SCIM bearer tokens: create (admins only; 32 random bytes, base64url, prefixed `ghscim_`, stored
 * as a SHA-256 hash and shown once), list and revoke. Each change is audited in its transaction.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { insertScimToken, isUuid, listScimTokens, revokeScimTokenRow } from "@/db/queries/scim";
import { recordAudit } from "@/lib/audit";
import { can, type Actor } from "@/lib/auth/can";
import { sha256Hex } from "@/lib/crypto";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export const TOKEN_PREFIX = "ghscim_";
export const createTokenInput = z.object({ name: z.string().trim().min(1, "Give the token a name").max(100, "At most 100 characters") });
export const revokeTokenInput = z.object({ id: z.string().uuid("Not a token id") });

function guard(actor: Actor) {
  if (!can(actor, "admin.area")) throw new ForbiddenError("Only admins can manage SCIM tokens.");
}

const who = (a: Actor) => ({
  actorId: a.personId.startsWith("system:") ? null : a.personId,
  actorKind: (a.personId === "system:cli" ? "cli" : a.personId.startsWith("system:") ? "system" : "person") as "cli" | "system" | "person",
});

export async function createScimToken({ ctx, input }: { ctx: Ctx; input: unknown }) {
  guard(ctx.actor);
  const { name } = createTokenInput.parse(input);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await ctx.db.transaction(async (tx) => {
    const r = await insertScimToken(tx, { name, tokenHash: sha256Hex(token), createdById: isUuid(ctx.actor.personId) ? ctx.actor.personId : null });
    await recordAudit(tx, { ...who(ctx.actor), action: "scim.token.created", targetKind: "scim_token", targetId: r.id, data: { name } });
    return r;
  });
  return { id: row.id, name: row.name, createdAt: row.createdAt, token };
}

export async function listTokens({ ctx }: { ctx: Ctx; input?: unknown }) {
  guard(ctx.actor);
  return listScimTokens(ctx.db);
}

export async function revokeScimToken({ ctx, input }: { ctx: Ctx; input: unknown }) {
  guard(ctx.actor);
  const { id } = revokeTokenInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const r = await revokeScimTokenRow(tx, id, new Date());
    if (!r) throw new NotFoundError("No active SCIM token with that id.");
    await recordAudit(tx, { ...who(ctx.actor), action: "scim.token.revoked", targetKind: "scim_token", targetId: r.id, data: { name: r.name } });
    return r;
  });
}
