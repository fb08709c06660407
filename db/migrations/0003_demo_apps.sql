-- Demo applications: real SCIM 2.0 services served by the portal (app/api/demo-apps/<key>/scim/v2) with their
-- OWN state in a separate schema. Nothing here references the portal's tables: the connector reaches these
-- systems over HTTP only, exactly as it reaches Slack or Jira.
CREATE SCHEMA IF NOT EXISTS demo_apps;--> statement-breakpoint
CREATE TABLE demo_apps.users (
  app_key text NOT NULL,
  id text NOT NULL,
  user_name text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  resource jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_key, id)
);--> statement-breakpoint
CREATE UNIQUE INDEX demo_users_user_name_uq ON demo_apps.users (app_key, lower(user_name));--> statement-breakpoint
CREATE TABLE demo_apps.groups (
  app_key text NOT NULL,
  id text NOT NULL,
  display_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_key, id)
);--> statement-breakpoint
CREATE TABLE demo_apps.members (
  app_key text NOT NULL,
  group_id text NOT NULL,
  user_id text NOT NULL,
  PRIMARY KEY (app_key, group_id, user_id),
  FOREIGN KEY (app_key, group_id) REFERENCES demo_apps.groups (app_key, id) ON DELETE CASCADE,
  FOREIGN KEY (app_key, user_id) REFERENCES demo_apps.users (app_key, id) ON DELETE CASCADE
);--> statement-breakpoint
CREATE INDEX demo_members_user_idx ON demo_apps.members (app_key, user_id);
