-- "People given it" on the roles list: the holders of a page's role templates, index-only and in person order.
-- (Not declared in db/schema/grants.ts: the drizzle snapshots of 0012 and 0013 collide, so drizzle-kit generate
-- cannot run until they are repaired; declare it there when they are, with this name.)
CREATE INDEX IF NOT EXISTS "grants_active_role_holders_idx" ON "grants" USING btree ("source_ref", "person_id") WHERE "grants"."status" = 'active' AND "grants"."source" IN ('birthright', 'role');
