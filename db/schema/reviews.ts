import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { applications } from "./applications";
import { driftFindings } from "./drift";
import { entitlements } from "./entitlements";
import { grants } from "./grants";
import { people } from "./people";

export type CampaignScope = {
  applicationIds?: string[];
  entitlementIds?: string[];
  departments?: string[];
  /** Members of these IdP groups (ids or displayNames, any case) only. */
  idpGroups?: string[];
  privilegedOnly?: boolean;
  changedSince?: string;
  /**
   * Open orphan accounts of the covered applications become application-owner items (orphan_review_items). Absent:
   * yes for application-owner campaigns, no otherwise.
   */
  orphanAccounts?: boolean;
  /**
   * A manager's team review (lib/services/reviews/team-review.ts): only the access of people below `managerId`
   * (direct reports, or the whole reporting line when `indirect`), optionally only `personIds` among them; the
   * manager reviews every item. Never the manager's own access. Set by the server from the signed-in manager.
   */
  team?: { managerId: string; indirect?: boolean; personIds?: string[] };
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

/**
 * Orphan accounts under review: an account in a connected system that matches no person (an open orphan_account
 * finding), reviewed by the application's owner (else an admin). Decisions: link to a person (the account becomes
 * theirs, its memberships adopted grants), keep as a service account (owner + expiry, at most a year), or disable
 * (a planned disable operation, executed by the worker through the connector). No default decision: an orphan
 * nobody decided stays an open finding.
 */
export const orphanReviewItems = pgTable(
  "orphan_review_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id").notNull().references(() => reviewCampaigns.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    applicationId: uuid("application_id").notNull().references(() => applications.id, { onDelete: "cascade" }),
    findingId: uuid("finding_id").references(() => driftFindings.id, { onDelete: "set null" }),
    reviewerId: uuid("reviewer_id").references(() => people.id),
    reasons: jsonb("reasons").$type<string[]>().notNull().default([]),
    decision: text("decision", { enum: ["link", "keep", "disable"] }),
    decidedById: uuid("decided_by_id").references(() => people.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    comment: text("comment"),
    /** link: the person the account now belongs to. */
    linkedPersonId: uuid("linked_person_id").references(() => people.id, { onDelete: "set null" }),
    /** keep: the service account's owner and expiry. */
    ownerId: uuid("owner_id").references(() => people.id, { onDelete: "set null" }),
    keepUntil: timestamp("keep_until", { withTimezone: true }),
    /** disable: the planned operation. */
    operationId: uuid("operation_id"),
  },
  (t) => [uniqueIndex("orphan_review_items_campaign_account_uq").on(t.campaignId, t.accountId), index("orphan_review_items_reviewer_idx").on(t.campaignId, t.reviewerId)],
);

export type OrphanReviewItem = typeof orphanReviewItems.$inferSelect;
export type ReviewCampaign = typeof reviewCampaigns.$inferSelect;
export type ReviewItem = typeof reviewItems.$inferSelect;
