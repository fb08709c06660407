import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { people } from "./people";

/**
 * IdP groups: collections of people pushed by the company IdP over inbound SCIM (/Groups: Entra
 * group provisioning, Okta Push Groups). They grant nothing by themselves: birthright rules may
 * name one as a condition (`idpGroup`) and review campaigns may be scoped to their members.
 */
export const idpGroups = pgTable(
  "idp_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    displayName: text("display_name").notNull(),
    /** The IdP's own id for the group (SCIM externalId, case-exact). */
    externalId: text("external_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("idp_groups_display_name_uq").on(sql`lower(${t.displayName})`)],
);

export const idpGroupMembers = pgTable(
  "idp_group_members",
  {
    groupId: uuid("group_id").notNull().references(() => idpGroups.id, { onDelete: "cascade" }),
    personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.personId] }), index("idp_group_members_person_idx").on(t.personId)],
);

export type IdpGroup = typeof idpGroups.$inferSelect;
