import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { people } from "./people";

/**
 * Mass-change guard: a run (HR import, role apply, reconcile remediation, sweep...) that would disable or delete
 * accounts or revoke grants above the threshold is not executed; it is stored here with the list of its changes
 * until an admin releases it (then it runs, with the input stored here) or cancels it. Both are audited.
 */
export const heldRuns = pgTable(
  "held_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** What kind of run: "role.change", "role.file", "reconcile", "hr.import", ... (the release handler's key). */
    kind: text("kind").notNull(),
    status: text("status", { enum: ["held", "released", "cancelled"] }).notNull().default("held"),
    /** One line for the list page. */
    title: text("title").notNull(),
    /** What the release re-runs (validated again by the handler). Never holds secrets. */
    input: jsonb("input").$type<Record<string, unknown>>().notNull().default({}),
    /** Counts: { revokes, disables, deletes, operations, people, threshold }. */
    summary: jsonb("summary").$type<Record<string, number>>().notNull().default({}),
    /** The removals the run would make: [{ kind, person, application, entitlement? }], capped. */
    changes: jsonb("changes").$type<Array<Record<string, string | null>>>().notNull().default([]),
    /** Set when released: what the run really did. */
    result: jsonb("result").$type<Record<string, unknown>>(),
    createdById: uuid("created_by_id").references(() => people.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedById: uuid("decided_by_id").references(() => people.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionNote: text("decision_note"),
  },
  (t) => [index("held_runs_status_idx").on(t.status, t.createdAt)],
);

export type HeldRun = typeof heldRuns.$inferSelect;
export const heldRunChangesCap = 2000;
