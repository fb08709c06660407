import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Append-only, hash-chained audit log. `hash = sha256(prevHash || canonical(event))`.
 * A trigger (migration 0001) rejects UPDATE and DELETE; `audit_head` serialises writers so
 * the chain has no forks even with many web and worker processes.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "string" }).notNull(),
    actorId: text("actor_id"),
    actorKind: text("actor_kind", { enum: ["person", "system", "worker", "api", "cli", "agent"] }).notNull(),
    action: text("action").notNull(),
    targetKind: text("target_kind"),
    targetId: text("target_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_events_target_idx").on(t.targetKind, t.targetId), index("audit_events_action_idx").on(t.action)],
);

/** One row: the chain head. Updating it takes a row lock held until commit. */
export const auditHead = pgTable("audit_head", {
  id: integer("id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
});


export type AuditEvent = typeof auditEvents.$inferSelect;
