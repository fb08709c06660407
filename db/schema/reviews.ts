import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { entitlements } from "./entitlements";
import { grants } from "./grants";
import { people } from "./people";

export type CampaignScope = {
  applicationIds?: string[];
  entitlementIds?: string[];
  departments?: string[];
  privilegedOnly?: boolean;
  changedSince?: string;
};

export const reviewCampaigns = pgTable("review_campaigns", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  scope: jsonb("scope").$type<CampaignScope>().notNull().default({}),
  reviewerKind: text("reviewer_kind", { enum: ["manager", "app_owner", "entitlement_owner", "group"] }).notNull().default("manager"),
  reviewerGroup: jsonb("reviewer_group").$type<string[]>(),
  secondStage: text("second_stage", { enum: ["none", "security"] }).notNull().default("none"),
  status: text("status", { enum: ["draft", "generating", "active", "closed"] }).notNull().default("draft"),
  startsAt: timestamp("starts_at", { withTimezone: true }),
  dueAt: timestamp("due_at", { withTimezone: true }),
  recurrence: text("recurrence", { enum: ["none", "quarterly"] }).notNull().default("none"),
  defaultDecision: text("default_decision", { enum: ["keep", "revoke", "recommendation"] }).notNull().default("keep"),
  autoDecide: text("auto_decide", { enum: ["off", "shadow", "on"] }).notNull().default("off"),
  createdById: uuid("created_by_id").references(() => people.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  closedAt: timestamp("closed_at", { withTimezone: true }),
});

export const reviewItems = pgTable(
  "review_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id").notNull().references(() => reviewCampaigns.id, { onDelete: "cascade" }),
    grantId: uuid("grant_id").references(() => grants.id, { onDelete: "set null" }),
    personId: uuid("person_id").notNull().references(() => people.id),
    entitlementId: uuid("entitlement_id").notNull().references(() => entitlements.id),
    reviewerId: uuid("reviewer_id").references(() => people.id),
    stage: text("stage", { enum: ["first", "second"] }).notNull().default("first"),
    recommendation: text("recommendation", { enum: ["no_action", "review", "remove"] }).notNull().default("review"),
    reasons: jsonb("reasons").$type<string[]>().notNull().default([]),
    stale: text("stale"),
    decision: text("decision", { enum: ["keep", "revoke"] }),
    decidedById: uuid("decided_by_id").references(() => people.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    comment: text("comment"),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("review_items_campaign_reviewer_idx").on(t.campaignId, t.reviewerId), index("review_items_person_idx").on(t.personId)],
);

export type ReviewCampaign = typeof reviewCampaigns.$inferSelect;
export type ReviewItem = typeof reviewItems.$inferSelect;
