import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { people } from "./people";

/** Token scopes, narrowest first. Enforced on every MCP tool call (lib/services/agents/mcp-tools.ts). */
export const TOKEN_SCOPES = ["read", "request", "decide", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * AI agents and service accounts: governed identities beside people. Each has its own `people` row
 * (kind agent|service_account, manager = sponsor) so grants, accounts, requests, reviews and the planner
 * work unchanged; this row holds what only non-human identities have: a purpose, a human sponsor and
 * backups, an expiry (at most a year) and the scopes its tokens may carry.
 * Invariant: status 'disabled' ⇔ the people row is 'terminated' (all grants revoked, accounts disabled).
 */
export const agents = pgTable(
  "agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["agent", "service_account"] }).notNull().default("agent"),
    purpose: text("purpose").notNull().default(""),
    sponsorId: uuid("sponsor_id").references(() => people.id, { onDelete: "set null" }),
    backupSponsorIds: jsonb("backup_sponsor_ids").$type<string[]>().notNull().default([]),
    scopes: jsonb("scopes").$type<TokenScope[]>().notNull().default(["read"]),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    status: text("status", { enum: ["active", "disabled"] }).notNull().default("active"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    createdById: uuid("created_by_id").references(() => people.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("agents_name_uq").on(sql`lower(${t.name})`),
    uniqueIndex("agents_person_uq").on(t.personId),
    index("agents_sponsor_idx").on(t.sponsorId),
    index("agents_status_expires_idx").on(t.status, t.expiresAt),
  ],
);

/**
 * Bearer tokens for the MCP server and API: an agent's token, or a personal token a person made in
 * Settings so their own assistant acts as them. Only the SHA-256 of the secret is stored.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: ["agent", "personal"] }).notNull(),
    /** The identity the token acts as (the agent's people row, or the person). */
    personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    scopes: jsonb("scopes").$type<TokenScope[]>().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdById: uuid("created_by_id").references(() => people.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_hash_uq").on(t.tokenHash), index("api_tokens_person_idx").on(t.personId), index("api_tokens_agent_idx").on(t.agentId)],
);

export type Agent = typeof agents.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
