import { sql } from "drizzle-orm";
import { date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { employmentType, identityKind, personStatus, portalRole } from "./enums";

/** People: the HR identity. One row per human, kept across rehire (history stays linked). */
export const people = pgTable(
  "people",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    employeeId: text("employee_id").notNull(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    displayName: text("display_name").notNull(),
    email: text("email").notNull(),
    department: text("department").notNull(),
    title: text("title").notNull(),
    level: integer("level").notNull().default(1),
    location: text("location").notNull(),
    costCenter: text("cost_center"),
    managerId: uuid("manager_id").references((): AnyPgColumn => people.id, { onDelete: "set null" }),
    employmentType: employmentType("employment_type").notNull().default("employee"),
    status: personStatus("status").notNull().default("active"),
    /** human (from HR) or a governed non-human identity (agent, service account); see db/schema/agents.ts. */
    kind: identityKind("kind").notNull().default("human"),
    startDate: date("start_date"),
    endDate: date("end_date"),
    /** Any other HR attribute (e.g. team, region); rules may refer to them. */
    attributes: jsonb("attributes").$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    /** Bumped by sign-out, portal-role removal and termination: sessions signed with an older value are over. */
    sessionVersion: integer("session_version").notNull().default(0),
    /** Effective time of the last HR change applied to this person: older HR data (a stale snapshot) is skipped. */
    lastHrEffectiveAt: timestamp("last_hr_effective_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("people_employee_id_uq").on(t.employeeId),
    uniqueIndex("people_email_uq").on(sql`lower(${t.email})`),
    index("people_manager_idx").on(t.managerId),
    index("people_department_idx").on(t.department, t.title),
    index("people_status_idx").on(t.status),
    index("people_search_idx").on(sql`lower(${t.displayName})`),
  ],
);

/** Portal roles that do not follow from HR data (admins, auditors, security). */
export const portalRoleAssignments = pgTable(
  "portal_role_assignments",
  {
    personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
    role: portalRole("role").notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("portal_role_assignments_uq").on(t.personId, t.role)],
);

export type Person = typeof people.$inferSelect;
export type NewPerson = typeof people.$inferInsert;
