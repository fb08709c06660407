import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { entitlements } from "./entitlements";
import { grantSource, grantStatus } from "./enums";
import { people } from "./people";

/**
 * Grants: the desired state. Who should hold which entitlement, and why.
 * `sourceRef` points at what caused it (role template id, request item id, review item id).
 */
export const grants = pgTable(
  "grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
    entitlementId: uuid("entitlement_id").notNull().references(() => entitlements.id, { onDelete: "cascade" }),
    source: grantSource("source").notNull(),
    sourceRef: text("source_ref"),
    status: grantStatus("status").notNull().default("active"),
    grantedById: uuid("granted_by_id").references(() => people.id, { onDelete: "set null" }),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    reason: text("reason").notNull().default(""),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedById: uuid("revoked_by_id").references(() => people.id, { onDelete: "set null" }),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    index("grants_person_idx").on(t.personId, t.status),
    index("grants_entitlement_idx").on(t.entitlementId, t.status),
    index("grants_expires_idx").on(t.expiresAt),
  ],
);

export type Grant = typeof grants.$inferSelect;
export type NewGrant = typeof grants.$inferInsert;
