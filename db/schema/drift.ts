import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { applications } from "./applications";
import { entitlements } from "./entitlements";
import { people } from "./people";

export const driftKinds = [
  /** The target holds a membership nobody granted in the portal (e.g. added directly in LDAP). */
  "unexpected_membership",
  /** A membership granted in the portal is missing in the target. */
  "missing_membership",
  /** A terminated person's account is still active in the target. */
  "leaver_active",
  /** An account in the target that belongs to nobody known. */
  "orphan_account",
] as const;
export type DriftKind = (typeof driftKinds)[number];

/**
 * Drift between the DESIRED state (grants, person status) and what a target really holds, found by reconciliation
 * (lib/services/provisioning/drift.ts). A finding stays `open` on every reconcile that still sees it; it is
 * `resolved` when the target no longer shows it, or `accepted` as an exception (reason, expiry, who): an accepted
 * finding is not counted as drift until `acceptedUntil`, after which it is open again if still present.
 * `key` (application:kind:account:entitlement) is unique among findings not resolved.
 */
export const driftFindings = pgTable(
  "drift_findings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    personId: uuid("person_id").references(() => people.id, { onDelete: "set null" }),
    entitlementId: uuid("entitlement_id").references(() => entitlements.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: driftKinds }).notNull(),
    detail: text("detail").notNull(),
    status: text("status", { enum: ["open", "accepted", "resolved"] }).notNull().default("open"),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    acceptedById: uuid("accepted_by_id").references(() => people.id),
    acceptedReason: text("accepted_reason"),
    acceptedUntil: timestamp("accepted_until", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("drift_findings_live_uq").on(t.key).where(sql`status <> 'resolved'`),
    index("drift_findings_app_idx").on(t.applicationId, t.status),
    index("drift_findings_person_idx").on(t.personId),
  ],
);

export type DriftFinding = typeof driftFindings.$inferSelect;
