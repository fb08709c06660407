import { index, integer, jsonb, pgTable, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { entitlements } from "./entitlements";
import { people } from "./people";
import { roleTemplates } from "./roles";

export type RiskReason = { factor: string; text: string; weight: number };

/** An access request: one requester, one beneficiary, one or more items. */
export const accessRequests = pgTable(
  "access_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    requesterId: uuid("requester_id").notNull().references(() => people.id),
    beneficiaryId: uuid("beneficiary_id").notNull().references(() => people.id),
    justification: text("justification").notNull().default(""),
    /** form | plain_language | api */
    channel: text("channel").notNull().default("form"),
    originalText: text("original_text"),
    status: text("status", { enum: ["pending", "approved", "denied", "partially_approved", "cancelled", "fulfilled"] })
      .notNull()
      .default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [index("access_requests_beneficiary_idx").on(t.beneficiaryId), index("access_requests_requester_idx").on(t.requesterId)],
);

export const accessRequestItems = pgTable(
  "access_request_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    requestId: uuid("request_id").notNull().references(() => accessRequests.id, { onDelete: "cascade" }),
    action: text("action", { enum: ["grant", "revoke"] }).notNull().default("grant"),
    entitlementId: uuid("entitlement_id").references(() => entitlements.id),
    roleId: uuid("role_id").references(() => roleTemplates.id),
    durationDays: integer("duration_days"),
    riskScore: real("risk_score"),
    riskReasons: jsonb("risk_reasons").$type<RiskReason[]>().notNull().default([]),
    /** auto | manager | owner_security | sponsor: the route the policy chose, with why. */
    route: text("route"),
    routeReason: text("route_reason"),
    status: text("status", { enum: ["pending", "approved", "denied", "cancelled", "fulfilled", "expired"] })
      .notNull()
      .default("pending"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [index("access_request_items_request_idx").on(t.requestId)],
);

/** One approval stage of an item. Stages run in order; an approver sees only their own. */
export const approvalSteps = pgTable(
  "approval_steps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    itemId: uuid("item_id").notNull().references(() => accessRequestItems.id, { onDelete: "cascade" }),
    stage: integer("stage").notNull(),
    approverKind: text("approver_kind", { enum: ["manager", "app_owner", "security", "sponsor", "delegate", "auto"] }).notNull(),
    approverId: uuid("approver_id").references(() => people.id),
    status: text("status", { enum: ["waiting", "pending", "approved", "denied", "skipped", "escalated"] }).notNull().default("waiting"),
    decidedById: uuid("decided_by_id").references(() => people.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    comment: text("comment"),
    dueAt: timestamp("due_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("approval_steps_approver_idx").on(t.approverId, t.status), index("approval_steps_item_idx").on(t.itemId)],
);

export type AccessRequest = typeof accessRequests.$inferSelect;
export type AccessRequestItem = typeof accessRequestItems.$inferSelect;
export type ApprovalStep = typeof approvalSteps.$inferSelect;
