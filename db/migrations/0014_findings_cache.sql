-- Findings cache (lib/services/mining/findings-cache.ts): outliers and drift compare every person with the whole
-- organisation, so they are computed once and stored; a page reads its rows by rank. The cache is fresh when no
-- transaction that changed an input has committed outside the snapshot it was computed in: the triggers below
-- log the id of each transaction that changes an input (one row per transaction), and a read checks that every
-- logged id is visible in the cache's snapshot (pg_visible_in_snapshot), otherwise it recomputes.
CREATE TABLE "findings_input_changes" ("xid" xid8 PRIMARY KEY);
--> statement-breakpoint
CREATE TABLE "findings_cache" (
  "kind" text PRIMARY KEY,
  "snapshot" pg_snapshot NOT NULL,
  "computed_at" timestamp with time zone NOT NULL DEFAULT now(),
  "total" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "findings_cache_rows" (
  "kind" text NOT NULL,
  "rank" integer NOT NULL,
  "person_id" uuid NOT NULL,
  "entitlement_ids" uuid[] NOT NULL,
  "finding" jsonb NOT NULL,
  PRIMARY KEY ("kind", "rank")
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION findings_log_change() RETURNS void AS $$
BEGIN
  -- Once per transaction: later statements of the same transaction find the setting and return at once.
  IF current_setting('gatehouse.findings_logged', true) IS DISTINCT FROM pg_current_xact_id()::text THEN
    INSERT INTO findings_input_changes (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    PERFORM set_config('gatehouse.findings_logged', pg_current_xact_id()::text, true);
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION findings_input_changed() RETURNS trigger AS $$
BEGIN
  PERFORM findings_log_change();
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Inserts and deletes of grants and people: logged when the statement touched a row (transition table "changed").
CREATE OR REPLACE FUNCTION findings_rows_changed() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed) THEN
    PERFORM findings_log_change();
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER grants_findings_insert AFTER INSERT ON grants REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION findings_rows_changed();
--> statement-breakpoint
CREATE TRIGGER grants_findings_delete AFTER DELETE ON grants REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION findings_rows_changed();
--> statement-breakpoint
-- Updates only when what findings read changes (not last use, expiry or reasons).
CREATE TRIGGER grants_findings_update AFTER UPDATE ON grants FOR EACH ROW
  WHEN ((OLD.person_id, OLD.entitlement_id, OLD.source, OLD.status) IS DISTINCT FROM (NEW.person_id, NEW.entitlement_id, NEW.source, NEW.status))
  EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
CREATE TRIGGER grants_findings_truncate AFTER TRUNCATE ON grants FOR EACH STATEMENT EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
CREATE TRIGGER people_findings_insert AFTER INSERT ON people REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION findings_rows_changed();
--> statement-breakpoint
CREATE TRIGGER people_findings_delete AFTER DELETE ON people REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION findings_rows_changed();
--> statement-breakpoint
-- Every attribute a peer group or a birthright rule may read.
CREATE TRIGGER people_findings_update AFTER UPDATE ON people FOR EACH ROW
  WHEN ((OLD.department, OLD.title, OLD.level, OLD.location, OLD.cost_center, OLD.employment_type, OLD.status, OLD.attributes)
        IS DISTINCT FROM (NEW.department, NEW.title, NEW.level, NEW.location, NEW.cost_center, NEW.employment_type, NEW.status, NEW.attributes))
  EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
CREATE TRIGGER people_findings_truncate AFTER TRUNCATE ON people FOR EACH STATEMENT EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
-- What the birthright rules give (drift): any change.
CREATE TRIGGER birthright_rules_findings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON birthright_rules FOR EACH STATEMENT EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
CREATE TRIGGER role_templates_findings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_templates FOR EACH STATEMENT EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
CREATE TRIGGER role_entitlements_findings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_entitlements FOR EACH STATEMENT EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
CREATE TRIGGER idp_groups_findings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON idp_groups FOR EACH STATEMENT EXECUTE FUNCTION findings_input_changed();
--> statement-breakpoint
CREATE TRIGGER idp_group_members_findings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON idp_group_members FOR EACH STATEMENT EXECUTE FUNCTION findings_input_changed();
