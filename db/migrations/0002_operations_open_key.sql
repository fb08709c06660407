DROP INDEX "operations_idempotency_uq";--> statement-breakpoint
ALTER TABLE "operations" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "operations_open_uq" ON "operations" USING btree ("idempotency_key") WHERE status in ('pending','queued','running','failed');