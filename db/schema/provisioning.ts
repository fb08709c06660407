import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { applications } from "./applications";
import { entitlements } from "./entitlements";
import { people } from "./people";

export const operationKinds = [
  "create_account",
  "update_account",
  "grant",
  "revoke",
  "disable",
  "enable",
  "delete",
  "revoke_sessions",
] as const;

/**
 * The outbox. Written in the same transaction as the decision that caused it, executed
 * by workers through connectors. `idempotencyKey` makes a re-plan of the same decision a no-op.
 */
export const operations = pgTable(
  "operations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: operationKinds }).notNull(),
    personId: uuid("person_id").references(() => people.id, { onDelete: "set null" }),
    applicationId: uuid("application_id").notNull().references(() => applications.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "set null" }),
    entitlementId: uuid("entitlement_id").references(() => entitlements.id, { onDelete: "set null" }),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status", { enum: ["pending", "queued", "running", "succeeded", "failed", "dead", "cancelled"] })
      .notNull()
      .default("pending"),
    /** Operations of one person in one system run in this order. */
    sequence: integer("sequence").notNull().default(0),
    dependsOn: uuid("depends_on"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    causeKind: text("cause_kind").notNull(),
    causeId: text("cause_id"),
    /** kind:application:person-or-account:entitlement. Unique among OPEN operations only. */
    idempotencyKey: text("idempotency_key").notNull(),
    /** A running operation whose lease expired (worker killed) may be claimed again. */
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    /** First failed attempt of the current run of failures (the retry budget counts from here); null once it succeeds or is retried by hand. */
    firstFailedAt: timestamp("first_failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("operations_open_uq").on(t.idempotencyKey).where(sql`status in ('pending','queued','running','failed')`),
    index("operations_status_idx").on(t.status, t.applicationId),
    index("operations_person_idx").on(t.personId),
  ],
);

/** A dead-lettered operation (or a reconciliation failure) that needs a human. */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    operationId: uuid("operation_id").references(() => operations.id, { onDelete: "set null" }),
    applicationId: uuid("application_id").references(() => applications.id, { onDelete: "cascade" }),
    personId: uuid("person_id").references(() => people.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    error: text("error").notNull(),
    status: text("status", { enum: ["open", "retrying", "resolved"] }).notNull().default("open"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedById: uuid("resolved_by_id").references(() => people.id),
  },
  (t) => [index("incidents_status_idx").on(t.status)],
);

/** Manual fulfilment: a task for the application owner, closed by them, verified by reconciliation. */
export const manualTasks = pgTable(
  "manual_tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    operationId: uuid("operation_id").notNull().references(() => operations.id, { onDelete: "cascade" }),
    applicationId: uuid("application_id").notNull().references(() => applications.id, { onDelete: "cascade" }),
    assigneeId: uuid("assignee_id").references(() => people.id),
    instructions: text("instructions").notNull(),
    status: text("status", { enum: ["open", "done", "verified", "cancelled"] }).notNull().default("open"),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    remindedAt: timestamp("reminded_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
  },
  (t) => [index("manual_tasks_assignee_idx").on(t.assigneeId, t.status)],
);

/**
 * Per-system circuit breaker (lib/jobs/breaker.ts). Consecutive retryable failures open it: the system's queue
 * pauses and a probe (the connector's testConnection) runs every few seconds; the first good answer closes it and
 * the waiting operations are due at once. `incidentId` is the system-level incident opened with it (resolved when
 * it closes). One row per application, created on its first failure.
 */
export const circuitBreakers = pgTable("circuit_breakers", {
  applicationId: uuid("application_id")
    .primaryKey()
    .references(() => applications.id, { onDelete: "cascade" }),
  state: text("state", { enum: ["closed", "open"] }).notNull().default("closed"),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  lastError: text("last_error"),
  openedAt: timestamp("opened_at", { withTimezone: true }),
  nextProbeAt: timestamp("next_probe_at", { withTimezone: true }),
  lastProbeAt: timestamp("last_probe_at", { withTimezone: true }),
  incidentId: uuid("incident_id").references(() => incidents.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type CircuitBreaker = typeof circuitBreakers.$inferSelect;
export type Operation = typeof operations.$inferSelect;
export type NewOperation = typeof operations.$inferInsert;
export type Incident = typeof incidents.$inferSelect;
