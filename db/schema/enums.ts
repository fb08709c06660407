import { pgEnum } from "drizzle-orm/pg-core";

// Shared enumerations of the identity model. Kept in one file because several
// aggregates use them; each value is part of the public data model.
export const employmentType = pgEnum("employment_type", ["employee", "contractor", "intern"]);
export const personStatus = pgEnum("person_status", ["pre_hire", "active", "on_leave", "terminated"]);
export const connectorKind = pgEnum("connector_kind", ["scim", "ldap", "postgres", "manual", "demo"]);
export const criticality = pgEnum("criticality", ["low", "medium", "high", "critical"]);
export const entitlementKind = pgEnum("entitlement_kind", ["group", "role", "permission"]);
export const permissionLevel = pgEnum("permission_level", ["read", "edit", "admin"]);
export const sensitivity = pgEnum("sensitivity", ["low", "medium", "high", "critical"]);
export const accountStatus = pgEnum("account_status", ["pending", "active", "disabled", "deleted"]);
export const grantSource = pgEnum("grant_source", ["birthright", "role", "request", "review", "manual", "import", "adopted"]);
export const grantStatus = pgEnum("grant_status", ["active", "pending", "revoked", "expired", "suspended"]);
export const portalRole = pgEnum("portal_role", ["admin", "auditor", "security"]);
/** What kind of identity a people row is: a human from HR, or an AI agent / service account (db/schema/agents.ts). */
export const identityKind = pgEnum("identity_kind", ["human", "agent", "service_account"]);
