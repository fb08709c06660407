import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { applications } from "./applications";
import { entitlementKind, permissionLevel, sensitivity } from "./enums";
import { people } from "./people";

/** What can be held in an application: a group, role or permission, with a level. */
export const entitlements = pgTable(
  "entitlements",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    applicationId: uuid("application_id").notNull().references(() => applications.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    kind: entitlementKind("kind").notNull().default("group"),
    level: permissionLevel("level").notNull().default("read"),
    sensitivity: sensitivity("sensitivity").notNull().default("low"),
    privileged: boolean("privileged").notNull().default(false),
    ownerId: uuid("owner_id").references(() => people.id, { onDelete: "set null" }),
    requestable: boolean("requestable").notNull().default(true),
    /** Time-bound access: requests may not exceed this many days (null = no limit). */
    maxDurationDays: integer("max_duration_days"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Last time discovery (reconciliation) saw it in the target; null = never discovered (declared by hand). */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    /** Discovery no longer finds it in the target. Kept (grants and reviews refer to it); back when seen again. */
    removedAt: timestamp("removed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("entitlements_app_external_uq").on(t.applicationId, t.externalId),
    index("entitlements_owner_idx").on(t.ownerId),
  ],
);

export type Entitlement = typeof entitlements.$inferSelect;
export type NewEntitlement = typeof entitlements.$inferInsert;
