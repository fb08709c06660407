CREATE TABLE "idp_group_members" (
	"group_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idp_group_members_group_id_person_id_pk" PRIMARY KEY("group_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "idp_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"display_name" text NOT NULL,
	"external_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "idp_group_members" ADD CONSTRAINT "idp_group_members_group_id_idp_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."idp_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idp_group_members" ADD CONSTRAINT "idp_group_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idp_group_members_person_idx" ON "idp_group_members" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "idp_groups_display_name_uq" ON "idp_groups" USING btree (lower("display_name"));