-- "People given it" on the roles list: the holders of a page's role templates, index-only and in person order.
-- (Not declared in db/schema/grants.ts: the drizzle snapshots of 0012 and 0013 collide, so drizzle-kit generate
-- cannot run until they are repaired; declare it there when they are, with this name.)
CREATE INDEX IF NOT EXISTS "grants_active_role_holders_idx" ON "grants" USING btree ("source_ref", "person_id") WHERE "grants"."status" = 'active' AND "grants"."source" IN ('birthright', 'role');
--> statement-breakpoint
-- Dormant access counts the grants unused for long through grants_active_last_use_idx, but statistics of a partial
-- index's expression are not used for estimates: without these the planner expects a third of all grants and
-- scans them all (230 ms at 20,000 people instead of 13-38 ms).
CREATE STATISTICS IF NOT EXISTS "grants_last_use_stats" ON (coalesce("last_used_at", "granted_at")) FROM "grants";
