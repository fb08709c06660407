-- Peer adoption (db/queries/requests.ts adoptionFor) counts a department's or a peer group's live, unexpired grants.
-- With expires_at in the two indexes of active grants, those counts are read index-only instead of fetching every
-- grant's row for its expiry (a department of 3,000 people holds ~60,000 grants at 20,000 people).
DROP INDEX IF EXISTS "grants_active_person_entitlement_idx";
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "grants_active_person_entitlement_idx" ON "grants" USING btree ("person_id", "entitlement_id", "source", "expires_at") WHERE "grants"."status" = 'active';
--> statement-breakpoint
DROP INDEX IF EXISTS "grants_active_entitlement_person_idx";
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "grants_active_entitlement_person_idx" ON "grants" USING btree ("entitlement_id", "person_id", "source", "expires_at") WHERE "grants"."status" = 'active';
