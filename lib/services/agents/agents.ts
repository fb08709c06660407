/**
 * AI agents and service accounts as governed identities.
 *
 * - createAgent: a person registers an agent they sponsor (admins: for any sponsor). One transaction writes the
 *   agent's identity (a `people` row, kind agent|service_account, manager = sponsor, no birthright), the agent row
 *   (purpose, sponsor, backups, scopes, expiry: default 90 days, at most a year) and its first token (shown once,
 *   only its SHA-256 stored), audited; the sponsor is notified. The agent holds no access: its sponsor requests it.
 * - disableAgent (the kill switch) and killAgentInTx: agent disabled, every token revoked, its identity a leaver
 *   (status terminated) so syncBirthrightGrants revokes all its grants and the planner disables its accounts in the
 *   same transaction (outbox), open requests for it cancelled; audited with the reason; sponsor notified.
 * - rotateAgentToken: old tokens revoked, a new one issued (shown once), audited.
 * - sweepAgents: sponsor succession (a sponsor who left → the sponsor's manager, else a backup; both notified,
 *   audited) and disabling of agents past their expiry or left without any sponsor. Runs in the lifecycle sweep and
 *   with every HR leaver.
 * An agent never creates, disables or rotates agents (can()).
 */
import { randomBytes } from "node:crypto";
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { accessRequestItems, accessRequests, agents, apiTokens, approvalSteps, people, TOKEN_SCOPES, type Agent } from "@/db/schema";
import { recordAudit, type AuditInput } from "@/lib/audit";
import { can, type Actor } from "@/lib/auth/can";
import { sha256Hex } from "@/lib/crypto";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import { nowOf, type Ctx } from "@/lib/services/context";
import { planPeople } from "@/lib/services/provisioning/plan";
import { notify, type Notice } from "@/lib/services/requests/fulfil";
import { wakeDispatcher } from "@/lib/jobs/wake";

const DAY = 86_400_000;
export const AGENT_DEFAULT_DAYS = 90;
export const AGENT_MAX_DAYS = 365;
export const AGENT_TOKEN_PREFIX = "gha_";
export const AGENT_EMAIL_DOMAIN = "agents.gatehouse.invalid";

export const newToken = (prefix: string) => prefix + randomBytes(32).toString("base64url");

/** Who did it, for audit rows: a person, the CLI, or the system (sweep). */
export function auditActor(a: Actor): Pick<AuditInput, "actorId" | "actorKind"> {
  if (a.personId === "system:cli") return { actorId: null, actorKind: "cli" };
  if (a.personId.startsWith("system:")) return { actorId: null, actorKind: "system" };
  return { actorId: a.personId, actorKind: a.agent ? "agent" : "person" };
}

const scopesSchema = z
  .array(z.enum(TOKEN_SCOPES))
  .min(1, "Give at least one scope")
  .transform((s) => TOKEN_SCOPES.filter((x) => s.includes(x)));

export const createAgentInput = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/i, "2-63 letters, digits, dots, dashes or underscores, starting with a letter or digit"),
  kind: z.enum(["agent", "service_account"]).default("agent"),
  purpose: z.string().trim().max(500).default(""),
  sponsorEmail: z.string().trim().email("The sponsor's email").optional(),
  sponsorId: z.string().uuid().optional(),
  backupEmails: z.array(z.string().trim().email()).max(5).default([]),
  scopes: scopesSchema.default(["read"]),
  /** YYYY-MM-DD (end of that day, UTC) or an ISO time. Default: 90 days from now; at most a year. */
  expires: z.string().trim().optional(),
});

function parseExpiry(raw: string | undefined, now: Date): Date {
  if (!raw) return new Date(now.getTime() + AGENT_DEFAULT_DAYS * DAY);
  const d = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T23:59:59Z`) : new Date(raw);
  if (Number.isNaN(d.getTime())) throw new ValidationError("Expiry must be a date (YYYY-MM-DD).", { expires: "Not a date" });
  if (d.getTime() <= now.getTime()) throw new ValidationError("Expiry must be in the future.", { expires: "In the past" });
  if (d.getTime() > now.getTime() + AGENT_MAX_DAYS * DAY + DAY)
    throw new ValidationError(`An agent expires within a year (at most ${AGENT_MAX_DAYS} days from now).`, { expires: "More than a year away" });
  return d;
}

async function personIdByEmail(db: Queryable, email: string) {
  const [p] = await db
    .select({ id: people.id, status: people.status, kind: people.kind, displayName: people.displayName, department: people.department, location: people.location })
    .from(people)
    .where(sql`lower(${people.email}) = lower(${email})`);
  return p ?? null;
}

export type CreatedAgent = { id: string; personId: string; name: string; sponsorId: string; expiresAt: Date; scopes: string[]; tokenId: string; token: string };

export async function createAgent({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<CreatedAgent> {
  if (ctx.actor.agent) throw new ForbiddenError("An agent cannot create agents.");
  const parsed = createAgentInput.safeParse(raw);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join(".") || "form", i.message]));
    throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid agent", fields);
  }
  const input = parsed.data;
  const now = nowOf(ctx);
  const sponsorCols = { id: people.id, status: people.status, kind: people.kind, displayName: people.displayName, department: people.department, location: people.location };
  // No sponsor named: the person registering it sponsors it.
  const sponsorById = async (id: string) => (await ctx.db.select(sponsorCols).from(people).where(eq(people.id, id)))[0] ?? null;
  const sponsor = input.sponsorId
    ? await sponsorById(input.sponsorId)
    : input.sponsorEmail
      ? await personIdByEmail(ctx.db, input.sponsorEmail)
      : ctx.actor.personId.startsWith("system:")
        ? null
        : await sponsorById(ctx.actor.personId);
  if (!sponsor) throw new ValidationError("Name the agent's sponsor: a person in Gatehouse.", { sponsorEmail: "No such person" });
  if (sponsor.kind !== "human" || sponsor.status === "terminated") throw new ValidationError("The sponsor must be a current employee (a person, not an agent).", { sponsorEmail: "Not a current person" });
  if (!can(ctx.actor, "agent.create", { kind: "agent", sponsorId: sponsor.id }))
    throw new ForbiddenError("You can register agents you sponsor yourself; admins can register agents for anyone.");
  const backups: string[] = [];
  for (const email of input.backupEmails) {
    const b = await personIdByEmail(ctx.db, email);
    if (!b || b.kind !== "human" || b.status === "terminated") throw new ValidationError(`Backup sponsor ${email} is not a current person.`, { backupEmails: email });
    if (b.id !== sponsor.id && !backups.includes(b.id)) backups.push(b.id);
  }
  const expiresAt = parseExpiry(input.expires, now);
  const token = newToken(AGENT_TOKEN_PREFIX);

  return ctx.db.transaction(async (tx) => {
    const taken = await tx.select({ id: agents.id }).from(agents).where(sql`lower(${agents.name}) = lower(${input.name})`);
    if (taken.length) throw new ConflictError(`An agent named "${input.name}" already exists.`);
    const email = `${input.name.toLowerCase()}@${AGENT_EMAIL_DOMAIN}`;
    const clash = await tx.select({ id: people.id }).from(people).where(sql`lower(${people.email}) = lower(${email}) OR ${people.employeeId} = ${`agent:${input.name.toLowerCase()}`}`);
    if (clash.length) throw new ConflictError(`The identity for "${input.name}" already exists.`);
    const [person] = await tx
      .insert(people)
      .values({
        employeeId: `agent:${input.name.toLowerCase()}`, givenName: input.name, familyName: input.kind === "agent" ? "(AI agent)" : "(service account)",
        displayName: input.name, email, department: sponsor.department, title: input.kind === "agent" ? "AI agent" : "Service account", level: 1,
        location: sponsor.location, managerId: sponsor.id, status: "active", kind: input.kind, startDate: now.toISOString().slice(0, 10),
        attributes: { purpose: input.purpose }, createdAt: now, updatedAt: now,
      })
      .returning({ id: people.id });
    const [agent] = await tx
      .insert(agents)
      .values({
        personId: person!.id, name: input.name, kind: input.kind, purpose: input.purpose, sponsorId: sponsor.id, backupSponsorIds: backups,
        scopes: input.scopes, expiresAt, createdById: ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId, createdAt: now,
      })
      .returning();
    const [t] = await tx
      .insert(apiTokens)
      .values({ kind: "agent", personId: person!.id, agentId: agent!.id, name: `${input.name} token`, tokenHash: sha256Hex(token), scopes: input.scopes, expiresAt, createdById: agent!.createdById, createdAt: now })
      .returning({ id: apiTokens.id });
    await recordAudit(tx, [
      {
        ...auditActor(ctx.actor), action: "agent.created", targetKind: "agent", targetId: agent!.id,
        data: { name: input.name, kind: input.kind, personId: person!.id, purpose: input.purpose, sponsorId: sponsor.id, backupSponsorIds: backups, scopes: input.scopes, expiresAt: expiresAt.toISOString() },
      },
      { ...auditActor(ctx.actor), action: "agent.token_created", targetKind: "api_token", targetId: t!.id, data: { agentId: agent!.id, name: input.name, scopes: input.scopes, expiresAt: expiresAt.toISOString() } },
    ]);
    if (sponsor.id !== ctx.actor.personId)
      await notify(tx, [{ personId: sponsor.id, kind: "agent.sponsor", link: "/agents", title: `You sponsor the agent ${input.name}`, body: `${ctx.actor.name} registered ${input.name} with you as its sponsor. It expires on ${expiresAt.toISOString().slice(0, 10)}.` }]);
    return { id: agent!.id, personId: person!.id, name: input.name, sponsorId: sponsor.id, expiresAt, scopes: input.scopes, tokenId: t!.id, token };
  });
}

export type AgentRow = Agent & { sponsorName: string | null; sponsorEmail: string | null; tokens: number; lastUsedAt: Date | null };

/** Admins see every agent; everyone else the agents they sponsor or back up (filtered in SQL). */
export async function listAgents({ ctx }: { ctx: Ctx; input?: unknown }): Promise<AgentRow[]> {
  if (ctx.actor.agent) throw new ForbiddenError("Agents do not manage agents.");
  const all = can(ctx.actor, "agent.manage", { kind: "global" });
  const mine = or(eq(agents.sponsorId, ctx.actor.personId), sql`${agents.backupSponsorIds} @> ${JSON.stringify([ctx.actor.personId])}::jsonb`);
  const rows = await ctx.db
    .select({
      agent: agents,
      sponsorName: people.displayName,
      sponsorEmail: people.email,
      tokens: sql<number>`(SELECT count(*)::int FROM api_tokens t WHERE t.agent_id = "agents"."id" AND t.revoked_at IS NULL)`,
      lastUsedAt: sql<Date | null>`(SELECT max(t.last_used_at) FROM api_tokens t WHERE t.agent_id = "agents"."id")`,
    })
    .from(agents)
    .leftJoin(people, eq(people.id, agents.sponsorId))
    .where(all ? undefined : mine)
    .orderBy(asc(agents.name))
    .limit(1000);
  return rows.map((r) => ({ ...r.agent, sponsorName: r.sponsorName, sponsorEmail: r.sponsorEmail, tokens: Number(r.tokens), lastUsedAt: r.lastUsedAt ? new Date(r.lastUsedAt) : null }));
}

const agentRef = z.object({ agent: z.string().trim().min(1, "Name the agent").max(100), reason: z.string().trim().max(500).optional() });

async function findAgent(db: Queryable, ref: string): Promise<Agent | null> {
  const isId = /^[0-9a-f-]{36}$/i.test(ref);
  const [a] = await db.select().from(agents).where(isId ? eq(agents.id, ref) : sql`lower(${agents.name}) = lower(${ref})`);
  return a ?? null;
}

async function managedAgent(ctx: Ctx, raw: unknown) {
  if (ctx.actor.agent) throw new ForbiddenError("An agent cannot manage agents.");
  const p = agentRef.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Name the agent");
  const a = await findAgent(ctx.db, p.data.agent);
  // Same answer for "no such agent" and "not yours": no probing of names.
  if (!a || !can(ctx.actor, "agent.manage", { kind: "agent", sponsorId: a.sponsorId, backupSponsorIds: a.backupSponsorIds })) throw new NotFoundError("No such agent among yours.");
  return { agent: a, reason: p.data.reason };
}

export type KillResult = { agentId: string; name: string; tokensRevoked: number; grantsRevoked: number; requestsCancelled: number; operationIds: string[] };

/**
 * The kill switch, in the caller's transaction: disable the agent, revoke its tokens, make its identity a leaver
 * (every grant revoked), cancel what is still waiting for it, and plan the account disables (outbox). Idempotent.
 */
export async function killAgentInTx(
  tx: Queryable,
  agent: Agent,
  opts: { now: Date; by: Pick<AuditInput, "actorId" | "actorKind">; byName: string; reason: string; action?: string },
): Promise<KillResult> {
  const { now } = opts;
  await tx.update(agents).set({ status: "disabled", disabledAt: agent.disabledAt ?? now, disabledReason: opts.reason }).where(eq(agents.id, agent.id));
  const revoked = await tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.agentId, agent.id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  await tx.update(people).set({ status: "terminated", endDate: now.toISOString().slice(0, 10), updatedAt: now }).where(eq(people.id, agent.personId));
  const changes = await syncBirthrightGrants(tx, [agent.personId], { now, moverOverlapDays: 0, actorId: opts.by.actorId ?? null });
  const grantsRevoked = changes.reduce((n, c) => n + c.revoked.length, 0);
  // Requests for the agent that still wait: nothing to approve any more.
  const open = await tx
    .select({ id: accessRequestItems.id, requestId: accessRequests.id })
    .from(accessRequestItems)
    .innerJoin(accessRequests, eq(accessRequests.id, accessRequestItems.requestId))
    .where(and(eq(accessRequests.beneficiaryId, agent.personId), eq(accessRequestItems.status, "pending")));
  if (open.length) {
    const itemIds = open.map((o) => o.id);
    await tx.update(accessRequestItems).set({ status: "cancelled", decidedAt: now }).where(inArray(accessRequestItems.id, itemIds));
    await tx
      .update(approvalSteps)
      .set({ status: "skipped", decidedAt: now, comment: "The agent was disabled" })
      .where(and(inArray(approvalSteps.itemId, itemIds), inArray(approvalSteps.status, ["pending", "waiting", "escalated"])));
    await tx.update(accessRequests).set({ status: "cancelled", decidedAt: now }).where(and(inArray(accessRequests.id, [...new Set(open.map((o) => o.requestId))]), eq(accessRequests.status, "pending")));
  }
  const plan = await planPeople(tx, [agent.personId], { kind: "agent.disabled", id: agent.id, actorId: opts.by.actorId ?? null }, now);
  await recordAudit(tx, {
    ...opts.by, action: opts.action ?? "agent.disabled", targetKind: "agent", targetId: agent.id,
    data: { name: agent.name, personId: agent.personId, sponsorId: agent.sponsorId, reason: opts.reason, tokensRevoked: revoked.length, grantsRevoked, requestsCancelled: open.length, operationIds: plan.operationIds },
  });
  const notices: Notice[] = [agent.sponsorId, ...agent.backupSponsorIds]
    .filter((x): x is string => !!x)
    .map((personId) => ({ personId, kind: "agent.disabled", link: "/agents", title: `Agent ${agent.name} disabled`, body: `${opts.byName}: ${opts.reason}. Its tokens are revoked and its access is being removed.` }));
  await notify(tx, notices);
  return { agentId: agent.id, name: agent.name, tokensRevoked: revoked.length, grantsRevoked, requestsCancelled: open.length, operationIds: plan.operationIds };
}

/** The kill switch (admins, the sponsor or a backup): everything at once, audited. */
export async function disableAgent({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<KillResult> {
  const { agent, reason } = await managedAgent(ctx, input);
  if (agent.status === "disabled") throw new ConflictError(`Agent ${agent.name} is already disabled.`);
  const now = nowOf(ctx);
  const r = await ctx.db.transaction(async (tx) => {
    // Lock the row: two kill-switch presses do the work once.
    const [locked] = await tx.select().from(agents).where(and(eq(agents.id, agent.id), eq(agents.status, "active"))).for("update");
    if (!locked) throw new ConflictError(`Agent ${agent.name} is already disabled.`);
    return killAgentInTx(tx, locked, { now, by: auditActor(ctx.actor), byName: ctx.actor.name, reason: reason || `disabled by ${ctx.actor.name}` });
  });
  if (r.operationIds.length) wakeDispatcher();
  return r;
}

/** A new token for the agent; every older one stops working at once. */
export async function rotateAgentToken({ ctx, input }: { ctx: Ctx; input: unknown }) {
  const { agent } = await managedAgent(ctx, input);
  if (agent.status !== "active") throw new ConflictError(`Agent ${agent.name} is disabled; register a new agent instead.`);
  const now = nowOf(ctx);
  const token = newToken(AGENT_TOKEN_PREFIX);
  return ctx.db.transaction(async (tx) => {
    const revoked = await tx.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.agentId, agent.id), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
    const [t] = await tx
      .insert(apiTokens)
      .values({ kind: "agent", personId: agent.personId, agentId: agent.id, name: `${agent.name} token`, tokenHash: sha256Hex(token), scopes: agent.scopes, expiresAt: agent.expiresAt, createdById: auditActor(ctx.actor).actorId ?? null, createdAt: now })
      .returning({ id: apiTokens.id });
    await recordAudit(tx, { ...auditActor(ctx.actor), action: "agent.token_rotated", targetKind: "agent", targetId: agent.id, data: { name: agent.name, newTokenId: t!.id, revokedTokenIds: revoked.map((x) => x.id) } });
    return { id: agent.id, name: agent.name, tokenId: t!.id, token, revoked: revoked.length };
  });
}

export type AgentSweep = {
  succeeded: Array<{ agentId: string; name: string; from: string | null; to: string }>;
  disabled: Array<{ agentId: string; name: string; reason: string }>;
  operationIds: string[];
};

/**
 * Sponsor succession and expiry, in the caller's transaction. `onlySponsors`: only agents of these (leaving)
 * people, and no expiry pass (HR imports call it for their leavers). O(agents affected) small queries.
 */
export async function sweepAgents(tx: Queryable, now: Date, opts: { onlySponsors?: string[] } = {}): Promise<AgentSweep> {
  const out: AgentSweep = { succeeded: [], disabled: [], operationIds: [] };
  if (opts.onlySponsors && !opts.onlySponsors.length) return out;
  const system = { actorId: null, actorKind: "system" as const };
  // 1. Active agents whose sponsor is gone (left, or removed).
  const orphaned = await tx
    .select({ agent: agents, sponsorStatus: people.status, sponsorManagerId: people.managerId, sponsorName: people.displayName })
    .from(agents)
    .leftJoin(people, eq(people.id, agents.sponsorId))
    .where(
      and(
        eq(agents.status, "active"),
        opts.onlySponsors ? inArray(agents.sponsorId, opts.onlySponsors) : undefined,
        sql`(${agents.sponsorId} IS NULL OR ${people.status} = 'terminated')`,
      ),
    )
    .for("update", { of: agents });
  for (const o of orphaned) {
    const a = o.agent;
    const candidates = [o.sponsorManagerId, ...a.backupSponsorIds].filter((x): x is string => !!x && x !== a.sponsorId);
    const live = candidates.length
      ? await tx.select({ id: people.id, name: people.displayName }).from(people).where(and(inArray(people.id, candidates), eq(people.kind, "human"), sql`${people.status} <> 'terminated'`))
      : [];
    const next = candidates.map((id) => live.find((l) => l.id === id)).find(Boolean);
    if (!next) {
      const reason = a.sponsorId ? `its sponsor ${o.sponsorName ?? a.sponsorId} left and no manager or backup sponsor can take over` : "it has no sponsor";
      const k = await killAgentInTx(tx, a, { now, by: system, byName: "Gatehouse", reason, action: "agent.disabled" });
      out.disabled.push({ agentId: a.id, name: a.name, reason });
      out.operationIds.push(...k.operationIds);
      continue;
    }
    const how = next.id === o.sponsorManagerId ? "the leaving sponsor's manager" : "a backup sponsor";
    await tx.update(agents).set({ sponsorId: next.id, backupSponsorIds: a.backupSponsorIds.filter((b) => b !== next.id) }).where(eq(agents.id, a.id));
    await tx.update(people).set({ managerId: next.id, updatedAt: now }).where(eq(people.id, a.personId));
    await recordAudit(tx, {
      ...system, action: "agent.sponsor_succeeded", targetKind: "agent", targetId: a.id,
      data: { name: a.name, from: a.sponsorId, to: next.id, how, reason: a.sponsorId ? "the sponsor left" : "the agent had no sponsor", notified: [next.id, ...(a.sponsorId ? [a.sponsorId] : [])] },
    });
    const notices: Notice[] = [
      { personId: next.id, kind: "agent.sponsor", link: "/agents", title: `You now sponsor the agent ${a.name}`, body: `${o.sponsorName ?? "Its sponsor"} left; as ${how} you are now responsible for ${a.name}. Review its access, or disable it.` },
    ];
    if (a.sponsorId) notices.push({ personId: a.sponsorId, kind: "agent.sponsor_moved", link: "/agents", title: `Sponsorship of ${a.name} moved to ${next.name}`, body: `You left; ${next.name} now sponsors ${a.name}.` });
    await notify(tx, notices);
    out.succeeded.push({ agentId: a.id, name: a.name, from: a.sponsorId, to: next.id });
  }
  if (opts.onlySponsors) return out;
  // 2. Past their expiry.
  const expired = await tx.select().from(agents).where(and(eq(agents.status, "active"), sql`${agents.expiresAt} <= ${now.toISOString()}::timestamptz`)).for("update");
  for (const a of expired) {
    const reason = `it expired on ${a.expiresAt.toISOString().slice(0, 10)}`;
    const k = await killAgentInTx(tx, a, { now, by: system, byName: "Gatehouse", reason, action: "agent.expired" });
    out.disabled.push({ agentId: a.id, name: a.name, reason });
    out.operationIds.push(...k.operationIds);
  }
  return out;
}

export type AgentCall = { seq: number; at: Date; agentId: string; agentName: string; tool: string; outcome: string; error: string | null };

/** The latest MCP calls of the agents the actor may manage (admins: all), newest first. */
export async function recentAgentCalls({ ctx, input }: { ctx: Ctx; input?: { limit?: number } }): Promise<AgentCall[]> {
  const visible = await listAgents({ ctx });
  if (!visible.length) return [];
  const ids = visible.map((a) => a.id);
  const rows = await ctx.db.execute(sql`
    SELECT seq, at, target_id AS tool, data->>'agentId' AS agent_id, data->>'outcome' AS outcome, data->>'error' AS error
    FROM audit_events
    WHERE action = 'mcp.call' AND data->>'agentId' IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})
    ORDER BY seq DESC LIMIT ${Math.min(200, input?.limit ?? 30)}`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ seq: string | number; at: string | Date; tool: string; agent_id: string; outcome: string; error: string | null }>;
  const names = new Map(visible.map((a) => [a.id, a.name]));
  return list.map((r) => ({ seq: Number(r.seq), at: new Date(r.at), agentId: r.agent_id, agentName: names.get(r.agent_id) ?? r.agent_id, tool: r.tool, outcome: r.outcome, error: r.error }));
}
