import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { people } from "./people";

/** HR events as detected (joiner, mover, leaver, leave, return, rehire, pre-hire). */
export const hrEvents = pgTable(
  "hr_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id").references(() => people.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["joiner", "pre_hire", "mover", "leaver", "leave_start", "leave_end", "rehire"] }).notNull(),
    source: text("source", { enum: ["csv", "webhook", "scim", "schedule", "seed", "admin"] }).notNull(),
    /** Before/after of what changed. */
    changes: jsonb("changes").$type<Record<string, { from: unknown; to: unknown }>>().notNull().default({}),
    idempotencyKey: text("idempotency_key"),
    status: text("status", { enum: ["received", "planned", "completed", "failed"] }).notNull().default("received"),
    effectiveAt: timestamp("effective_at", { withTimezone: true }).notNull().defaultNow(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [index("hr_events_person_idx").on(t.personId), uniqueIndex("hr_events_idem_uq").on(t.idempotencyKey)],
);

/** Bearer tokens for the inbound SCIM server; only a hash is stored. */
export const scimTokens = pgTable("scim_tokens", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull(),
  createdById: uuid("created_by_id").references(() => people.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

/** In-app notifications, and the mail outbox when SMTP is not configured. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    link: text("link"),
    channel: text("channel", { enum: ["in_app", "email"] }).notNull().default("in_app"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("notifications_person_idx").on(t.personId, t.readAt)],
);
