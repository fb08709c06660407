import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { connectorKind, criticality } from "./enums";
import { people } from "./people";

/** Connected systems. Secrets live only in `secretsEncrypted` (AES-256-GCM, see lib/crypto.ts). */
export const applications = pgTable(
  "applications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Other names people use for the application in plain-language requests ("gh", "sfdc"); lower-case, no duplicates. */
    aliases: text("aliases").array().notNull().default([]),
    category: text("category").notNull().default("other"),
    connectorKind: connectorKind("connector_kind").notNull().default("manual"),
    /** Non-secret connector settings (base URL, base DN, prefix, rate limits...). */
    config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
    /** Encrypted JSON of secret settings; never returned to the browser or logged. */
    secretsEncrypted: text("secrets_encrypted"),
    criticality: criticality("criticality").notNull().default("medium"),
    /** What a leaver's account becomes: disable now, delete after `retentionDays`. */
    deprovisionAction: text("deprovision_action", { enum: ["disable", "delete"] }).notNull().default("disable"),
    retentionDays: integer("retention_days").notNull().default(30),
    /**
     * What else happens to a leaver's account when it is disabled: `disable_and_remove_memberships` (default) also
     * revokes every group/entitlement it holds; `disable` keeps them (e.g. for a legal hold) until the delete.
     */
    leaverPolicy: text("leaver_policy", { enum: ["disable", "disable_and_remove_memberships"] }).notNull().default("disable_and_remove_memberships"),
    /** Reconciliation policy: report drift only, or remediate it through the planner. */
    reconcilePolicy: text("reconcile_policy", { enum: ["report", "remediate"] }).notNull().default("report"),
    supportsSessionRevoke: boolean("supports_session_revoke").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    lastReconciledAt: timestamp("last_reconciled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("applications_key_uq").on(t.key)],
);

export const applicationOwners = pgTable(
  "application_owners",
  {
    applicationId: uuid("application_id").notNull().references(() => applications.id, { onDelete: "cascade" }),
    personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.personId] }), index("application_owners_person_idx").on(t.personId)],
);

export type Application = typeof applications.$inferSelect;
export type NewApplication = typeof applications.$inferInsert;
