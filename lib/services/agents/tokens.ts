/**
 * Bearer tokens of the MCP server: personal tokens (a person's own assistant acts as them, with the scopes they
 * chose, until an expiry of at most a year) and agent tokens (agents.ts). Only SHA-256 hashes are stored; the
 * secret is shown once.
 *
 * authenticateToken: the bearer → the Actor the call runs as, or null (→ 401). Checked on every call, so
 * revocation, the kill switch, an agent's expiry or a sponsor leaving end access at the next call:
 * token not revoked and not expired; its identity not terminated; for an agent, the agent active, not past its
 * expiry, with a current human sponsor. lastUsedAt is refreshed at most once a minute.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Queryable } from "@/db/client";
import { apiTokens, TOKEN_SCOPES, type TokenScope } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can, rolesFromFacts, type Actor } from "@/lib/auth/can";
import { sha256Hex } from "@/lib/crypto";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { newToken } from "./agents";

const DAY = 86_400_000;
export const PERSONAL_TOKEN_PREFIX = "ghp_";
export const PERSONAL_DEFAULT_DAYS = 30;
export const PERSONAL_MAX_DAYS = 365;

export const personalTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(100, "At most 100 characters"),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "Choose at least one scope"),
  days: z.coerce.number().int().min(1, "At least a day").max(PERSONAL_MAX_DAYS, "At most a year").default(PERSONAL_DEFAULT_DAYS),
});

export async function createPersonalToken({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "token.personal")) throw new ForbiddenError("Only people create personal tokens.");
  const p = personalTokenInput.safeParse(raw);
  if (!p.success) {
    const fields = Object.fromEntries(p.error.issues.map((i) => [i.path.join(".") || "form", i.message]));
    throw new ValidationError(p.error.issues[0]?.message ?? "Invalid token", fields);
  }
  const { name, days } = p.data;
  const scopes = TOKEN_SCOPES.filter((s) => p.data.scopes.includes(s));
  // Admin scope only for admins: it would grant nothing to anyone else, so refuse it rather than mislead.
  if (scopes.includes("admin") && !ctx.actor.roles.includes("admin")) throw new ValidationError("Only admins can give a token the admin scope.", { scopes: "admin scope needs the admin role" });
  const now = nowOf(ctx);
  const expiresAt = new Date(now.getTime() + days * DAY);
  const token = newToken(PERSONAL_TOKEN_PREFIX);
  const row = await ctx.db.transaction(async (tx) => {
    const [t] = await tx
      .insert(apiTokens)
      .values({ kind: "personal", personId: ctx.actor.personId, name, tokenHash: sha256Hex(token), scopes, expiresAt, createdById: ctx.actor.personId, createdAt: now })
      .returning({ id: apiTokens.id });
    await recordAudit(tx, { actorId: ctx.actor.personId, actorKind: "person", action: "token.personal_created", targetKind: "api_token", targetId: t!.id, data: { name, scopes, expiresAt: expiresAt.toISOString() } });
    return t!;
  });
  return { id: row.id, name, scopes, expiresAt, token };
}

/** The actor's own personal tokens (never their secrets). */
export async function listPersonalTokens({ ctx }: { ctx: Ctx; input?: unknown }) {
  if (!can(ctx.actor, "token.personal")) throw new ForbiddenError();
  return ctx.db
    .select({ id: apiTokens.id, name: apiTokens.name, scopes: apiTokens.scopes, expiresAt: apiTokens.expiresAt, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.personId, ctx.actor.personId), eq(apiTokens.kind, "personal")))
    .orderBy(desc(apiTokens.createdAt))
    .limit(200);
}

export async function revokePersonalToken({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "token.personal")) throw new ForbiddenError();
  const p = z.object({ id: z.string().uuid("Not a token id") }).safeParse(input);
  if (!p.success) throw new ValidationError("Not a token id");
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    // Ownership in SQL: only one's own, still-active personal token.
    const [r] = await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.id, p.data.id), eq(apiTokens.personId, ctx.actor.personId), eq(apiTokens.kind, "personal"), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, name: apiTokens.name });
    if (!r) throw new NotFoundError("No such active token of yours.");
    await recordAudit(tx, { actorId: ctx.actor.personId, actorKind: "person", action: "token.personal_revoked", targetKind: "api_token", targetId: r.id, data: { name: r.name } });
    return r;
  });
}

export type TokenIdentity = { actor: Actor; tokenId: string; scopes: TokenScope[] };

type AuthRow = {
  id: string; kind: "agent" | "personal"; person_id: string; scopes: string[]; expires_at: string | Date; last_used_at: string | Date | null;
  name: string; email: string; status: string; person_kind: string;
  agent_id: string | null; agent_name: string | null; agent_status: string | null; agent_expires_at: string | Date | null; sponsor_id: string | null; sponsor_status: string | null;
  roles: string[] | null; reports: number | string; owned: string[] | null;
};

/** Bearer → actor, or null. Never throws for a bad token (the caller answers 401). One round trip. */
export async function authenticateToken(db: Queryable, authorization: string | null | undefined, now: Date = new Date()): Promise<TokenIdentity | null> {
  const m = /^Bearer\s+(gh[ap]_[A-Za-z0-9_-]{20,100})\s*$/.exec(authorization ?? "");
  if (!m) return null;
  const [row] = rowsOf<AuthRow>(
    await db.execute(sql`
      SELECT t.id, t.kind, t.person_id, t.scopes, t.expires_at, t.last_used_at,
             p.display_name AS name, p.email, p.status, p.kind AS person_kind,
             a.id AS agent_id, a.name AS agent_name, a.status AS agent_status, a.expires_at AS agent_expires_at, a.sponsor_id, s.status AS sponsor_status,
             (SELECT array_agg(r.role::text) FROM portal_role_assignments r WHERE r.person_id = p.id) AS roles,
             (SELECT count(*) FROM people c WHERE c.manager_id = p.id AND c.status <> 'terminated' AND c.kind = 'human') AS reports,
             (SELECT array_agg(o.application_id::text) FROM application_owners o WHERE o.person_id = p.id) AS owned
      FROM api_tokens t
      JOIN people p ON p.id = t.person_id
      LEFT JOIN agents a ON a.id = t.agent_id
      LEFT JOIN people s ON s.id = a.sponsor_id
      WHERE t.token_hash = ${sha256Hex(m[1]!)} AND t.revoked_at IS NULL`),
  );
  if (!row) return null;
  const at = (v: string | Date | null) => (v == null ? null : new Date(v).getTime());
  if (at(row.expires_at)! <= now.getTime() || row.status === "terminated") return null;
  if (row.kind === "agent") {
    if (!row.agent_id || row.agent_status !== "active" || at(row.agent_expires_at)! <= now.getTime()) return null;
    // No current sponsor, no access (the sweep disables it; until then, refuse).
    if (!row.sponsor_id || !row.sponsor_status || row.sponsor_status === "terminated") return null;
  } else if (row.person_kind !== "human") return null;
  const last = at(row.last_used_at);
  if (last == null || now.getTime() - last > 60_000) await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  const scopes = (row.scopes ?? []).filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
  const facts = { reports: Number(row.reports), ownedApplicationIds: row.owned ?? [], portalRoles: row.roles ?? [] };
  const actor: Actor = {
    personId: row.person_id, name: row.name, email: row.email, roles: rolesFromFacts(facts), ownedApplicationIds: facts.ownedApplicationIds,
    token: { id: row.id, kind: row.kind, scopes },
    ...(row.kind === "agent" && row.agent_id ? { agent: { id: row.agent_id, name: row.agent_name!, sponsorId: row.sponsor_id } } : {}),
  };
  return { actor, tokenId: row.id, scopes };
}

/** For the audit of a call: `agentId`/`sponsorId` when an agent acts, the token either way. */
export function callerFacts(a: Actor) {
  return { tokenId: a.token?.id ?? null, tokenKind: a.token?.kind ?? null, agentId: a.agent?.id ?? null, agentName: a.agent?.name ?? null, sponsorId: a.agent?.sponsorId ?? null };
}

