CREATE TABLE "orphan_review_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"application_id" uuid NOT NULL,
	"finding_id" uuid,
	"reviewer_id" uuid,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"decision" text,
	"decided_by_id" uuid,
	"decided_at" timestamp with time zone,
	"comment" text,
	"linked_person_id" uuid,
	"owner_id" uuid,
	"keep_until" timestamp with time zone,
	"operation_id" uuid
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "service_owner_id" uuid;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "service_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_campaign_id_review_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."review_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_finding_id_drift_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."drift_findings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_reviewer_id_people_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_decided_by_id_people_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_linked_person_id_people_id_fk" FOREIGN KEY ("linked_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orphan_review_items" ADD CONSTRAINT "orphan_review_items_owner_id_people_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "orphan_review_items_campaign_account_uq" ON "orphan_review_items" USING btree ("campaign_id","account_id");--> statement-breakpoint
CREATE INDEX "orphan_review_items_reviewer_idx" ON "orphan_review_items" USING btree ("campaign_id","reviewer_id");--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_service_owner_id_people_id_fk" FOREIGN KEY ("service_owner_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;