import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { entitlements } from "./entitlements";
import { grantSource, grantStatus } from "./enums";
import { people } from "./people";

/**
 * Grants: the desired state. Who should hold which entitlement, and why.
 * `sourceRef` points at what caused it (role template id, request item id, review item id).
 * Source "adopted": the person held it in the target when Gatehouse first saw it (reconciliation), nobody decided it
 * here; `adoptedAt` records when. Adopted grants are never removed by a role edit, a birthright re-sync or
 * reconcile remediation, only by a review decision, an approved removal or an explicit admin action.
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
    adoptedAt: timestamp("adopted_at", { withTimezone: true }),
  },
  (t) => [
    index("grants_person_idx").on(t.personId, t.status),
    index("grants_entitlement_idx").on(t.entitlementId, t.status),
    index("grants_expires_idx").on(t.expiresAt),
    // Live access read whole (findings, peer analytics): index-only, in person order; source for drift's filter,
    // expiry for peer adoption's "unexpired" (migration 0016).
    index("grants_active_person_entitlement_idx").on(t.personId, t.entitlementId, t.source, t.expiresAt).where(sql`${t.status} = 'active'`),
    // Holders and adopted grants per entitlement (application pages, a department's holders): index-only.
    index("grants_active_entitlement_person_idx").on(t.entitlementId, t.personId, t.source, t.expiresAt).where(sql`${t.status} = 'active'`),
    // Dormant access: the few grants unused for long, longest first.
    index("grants_active_last_use_idx").on(sql`coalesce(${t.lastUsedAt}, ${t.grantedAt})`).where(sql`${t.status} = 'active'`),
  ],
);

export type Grant = typeof grants.$inferSelect;
export type NewGrant = typeof grants.$inferInsert;
