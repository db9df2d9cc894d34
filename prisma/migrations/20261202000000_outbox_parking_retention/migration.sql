-- Outbox rows that keep failing are parked (set aside) instead of being retried forever; a lease names its owner,
-- so only the relay that claimed a row marks it sent or releases it. Indexes for the retention purge.

ALTER TABLE "orders"."outbox" ADD COLUMN "parked_at" TIMESTAMPTZ(3), ADD COLUMN "locked_by" VARCHAR(64);
ALTER TABLE "inventory"."outbox" ADD COLUMN "parked_at" TIMESTAMPTZ(3), ADD COLUMN "locked_by" VARCHAR(64);

-- Parked rows (the metric, /health/details and `strangler outbox parked` count them).
CREATE INDEX "outbox_parked_idx" ON "orders"."outbox"("id") WHERE "parked_at" IS NOT NULL;
CREATE INDEX "outbox_parked_idx" ON "inventory"."outbox"("id") WHERE "parked_at" IS NOT NULL;

-- Retention purge: sent outbox rows, processed inbox rows and old idempotency keys, oldest first.
CREATE INDEX "outbox_sent_at_idx" ON "orders"."outbox"("sent_at") WHERE "sent_at" IS NOT NULL;
CREATE INDEX "outbox_sent_at_idx" ON "inventory"."outbox"("sent_at") WHERE "sent_at" IS NOT NULL;
CREATE INDEX "inbox_processed_at_idx" ON "orders"."inbox"("processed_at");
CREATE INDEX "inbox_processed_at_idx" ON "inventory"."inbox"("processed_at");
CREATE INDEX "idempotency_keys_created_at_idx" ON "orders"."idempotency_keys"("created_at");
