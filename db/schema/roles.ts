import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { entitlements } from "./entitlements";
import { permissionLevel } from "./enums";
import { people } from "./people";

/** Role templates: named bundles of entitlements (also the requestable access packages). */
export const roleTemplates = pgTable(
  "role_templates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    status: text("status", { enum: ["draft", "published", "retired"] }).notNull().default("draft"),
    /** Where it came from: hand-made, mined (role-mining run id), imported. */
    origin: text("origin").notNull().default("manual"),
    requestable: boolean("requestable").notNull().default(false),
    ownerId: uuid("owner_id").references(() => people.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("role_templates_key_uq").on(t.key)],
);

export const roleEntitlements = pgTable(
  "role_entitlements",
  {
    roleId: uuid("role_id").notNull().references(() => roleTemplates.id, { onDelete: "cascade" }),
    entitlementId: uuid("entitlement_id").notNull().references(() => entitlements.id, { onDelete: "cascade" }),
    level: permissionLevel("level"),
  },
  (t) => [primaryKey({ columns: [t.roleId, t.entitlementId] }), index("role_entitlements_ent_idx").on(t.entitlementId)],
);

/**
 * A condition on HR attributes. `attribute` is a person column (department, title, level,
 * location, employmentType, costCenter) or `attributes.<name>`.
 */
export type RuleCondition = {
  attribute: string;
  op: "eq" | "neq" | "in" | "gte" | "lte" | "startsWith";
  value: string | number | Array<string | number>;
};

/** Birthright rules: when every condition holds, the person gets the role. */
export const birthrightRules = pgTable(
  "birthright_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    roleId: uuid("role_id").notNull().references(() => roleTemplates.id, { onDelete: "cascade" }),
    conditions: jsonb("conditions").$type<RuleCondition[]>().notNull().default([]),
    enabled: boolean("enabled").notNull().default(true),
    priority: integer("priority").notNull().default(100),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("birthright_rules_role_idx").on(t.roleId)],
);

export type RoleTemplate = typeof roleTemplates.$inferSelect;
export type BirthrightRule = typeof birthrightRules.$inferSelect;
