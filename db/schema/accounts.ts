import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { applications } from "./applications";
import { entitlements } from "./entitlements";
import { accountStatus } from "./enums";
import { people } from "./people";

/**
 * Accounts: a person's identity inside one application. `personId` is null for an
 * account found by reconciliation that links to nobody (orphan/unmanaged).
 */
export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id").references(() => people.id, { onDelete: "set null" }),
    applicationId: uuid("application_id").notNull().references(() => applications.id, { onDelete: "cascade" }),
    externalId: text("external_id"),
    username: text("username").notNull(),
    status: accountStatus("status").notNull().default("pending"),
    /**
     * Last sign-in to the application, as the system (or an uploaded usage file) reports it; propagated to the
     * grants of the account's person in the application (lib/services/usage/record-usage.ts).
     */
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    /** Where lastLoginAt came from: the connector's attribute ("ldap:authTimestamp", "scim:<path>") or "csv". */
    lastLoginSource: text("last_login_source"),
    /** Reconciliation classification of this account, if any. */
    reconState: text("recon_state", { enum: ["matched", "orphan", "unmanaged", "drift"] }),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /**
     * An account that matches no person, kept by an orphan review as a service account: who owns it and until when
     * (at most a year). Its orphan finding is accepted until then and open again after (lib/services/reviews/orphans.ts).
     */
    serviceOwnerId: uuid("service_owner_id").references(() => people.id, { onDelete: "set null" }),
    serviceUntil: timestamp("service_until", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("accounts_app_username_uq").on(t.applicationId, sql`lower(${t.username})`),
    index("accounts_person_idx").on(t.personId),
    // Counts per application and status, and the drifted ones for health (recon_state): index-only.
    index("accounts_app_status_idx").on(t.applicationId, t.status, t.reconState),
    // The few deleted accounts, for anti-joins ("held in the system": not deleted) without reading every account.
    index("accounts_deleted_idx").on(t.id).where(sql`${t.status} = 'deleted'`),
    // An application's accounts page by page, in username order, without sorting them all.
    index("accounts_app_username_idx").on(t.applicationId, t.username),
  ],
);

/**
 * Actual state as last known: which entitlements an account really holds in the
 * target (written by successful operations and by reconciliation). Grants are the
 * desired state; the planner diffs the two.
 */
export const accountEntitlements = pgTable(
  "account_entitlements",
  {
    accountId: uuid("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    entitlementId: uuid("entitlement_id").notNull().references(() => entitlements.id, { onDelete: "cascade" }),
    observedAt: timestamp("observed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.entitlementId] }), index("account_entitlements_ent_idx").on(t.entitlementId, t.accountId)],
);

export type Account = typeof accounts.$inferSelect;
export type NewAccount = typeof accounts.$inferInsert;
