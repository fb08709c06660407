import { boolean, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { entitlements } from "./entitlements";
import { sensitivity } from "./enums";

/**
 * Separation-of-duties policy: holding any entitlement of side "a" together with any of
 * side "b" is a conflict. `action` decides what a request that would create one does.
 */
export const sodPolicies = pgTable("sod_policies", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  severity: sensitivity("severity").notNull().default("high"),
  action: text("action", { enum: ["block", "require_approval"] }).notNull().default("require_approval"),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const sodPolicyEntitlements = pgTable(
  "sod_policy_entitlements",
  {
    policyId: uuid("policy_id").notNull().references(() => sodPolicies.id, { onDelete: "cascade" }),
    entitlementId: uuid("entitlement_id").notNull().references(() => entitlements.id, { onDelete: "cascade" }),
    side: text("side", { enum: ["a", "b"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.policyId, t.entitlementId, t.side] })],
);

export type SodPolicy = typeof sodPolicies.$inferSelect;
