-- The update log and the event feed become tables partitioned by created_at, so retention
-- drops whole partitions (src/worker/partitions.ts) instead of deleting rows.
--
-- Upgrades in place, without copying: each existing table becomes the partition
-- "<table>_legacy", bounded just above its newest row; retention drops it once that row is
-- past the window (an empty one, as on a new install, is dropped here). A partitioned table's
-- keys must include the partition key, so created_at joins the primary key and the
-- (bot_id, update_id) key; every lookup the hot path makes (by bot and update_id, by user and
-- seq) is still a prefix of one of them. The default partition takes any row no partition
-- covers yet, so a write never fails for want of one; the worker creates the partitions.

-- updates ---------------------------------------------------------------------------------

ALTER TABLE "updates" RENAME TO "updates_legacy";
ALTER TABLE "updates_legacy" RENAME CONSTRAINT "updates_bot_id_fkey" TO "updates_legacy_bot_id_fkey";
ALTER TABLE "updates_legacy" DROP CONSTRAINT "updates_pkey";
DROP INDEX "updates_bot_id_update_id_key";
ALTER INDEX "updates_created_at_idx" RENAME TO "updates_legacy_created_at_idx";

CREATE TABLE "updates" (
    "id" UUID NOT NULL,
    "bot_id" UUID NOT NULL,
    "update_id" BIGINT NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "updates_pkey" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");

CREATE UNIQUE INDEX "updates_bot_id_update_id_created_at_key" ON "updates"("bot_id", "update_id", "created_at");
CREATE INDEX "updates_created_at_idx" ON "updates"("created_at");
ALTER TABLE "updates" ADD CONSTRAINT "updates_bot_id_fkey" FOREIGN KEY ("bot_id") REFERENCES "bots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The new keys are built on the old table here; ATTACH then adopts them (and the created_at
-- index and the foreign key, which already match) instead of building its own.
ALTER TABLE "updates_legacy" ADD CONSTRAINT "updates_legacy_pkey" PRIMARY KEY ("id", "created_at");
CREATE UNIQUE INDEX "updates_legacy_bot_id_update_id_created_at_key" ON "updates_legacy"("bot_id", "update_id", "created_at");
DO $$
DECLARE newest timestamptz := (SELECT max("created_at") FROM "updates_legacy");
BEGIN
  IF newest IS NULL THEN
    DROP TABLE "updates_legacy";
  ELSE
    EXECUTE format('ALTER TABLE "updates" ATTACH PARTITION "updates_legacy" FOR VALUES FROM (MINVALUE) TO (%L)',
                   newest + interval '1 millisecond');
  END IF;
END $$;
CREATE TABLE "updates_default" PARTITION OF "updates" DEFAULT;

-- user_events -----------------------------------------------------------------------------

ALTER TABLE "user_events" RENAME TO "user_events_legacy";
ALTER TABLE "user_events_legacy" RENAME CONSTRAINT "user_events_user_id_fkey" TO "user_events_legacy_user_id_fkey";
ALTER TABLE "user_events_legacy" DROP CONSTRAINT "user_events_pkey";
ALTER INDEX "user_events_created_at_idx" RENAME TO "user_events_legacy_created_at_idx";

CREATE TABLE "user_events" (
    "user_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_events_pkey" PRIMARY KEY ("user_id", "seq", "created_at")
) PARTITION BY RANGE ("created_at");

CREATE INDEX "user_events_created_at_idx" ON "user_events"("created_at");
ALTER TABLE "user_events" ADD CONSTRAINT "user_events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "user_events_legacy" ADD CONSTRAINT "user_events_legacy_pkey" PRIMARY KEY ("user_id", "seq", "created_at");
DO $$
DECLARE newest timestamptz := (SELECT max("created_at") FROM "user_events_legacy");
BEGIN
  IF newest IS NULL THEN
    DROP TABLE "user_events_legacy";
  ELSE
    EXECUTE format('ALTER TABLE "user_events" ATTACH PARTITION "user_events_legacy" FOR VALUES FROM (MINVALUE) TO (%L)',
                   newest + interval '1 millisecond');
  END IF;
END $$;
CREATE TABLE "user_events_default" PARTITION OF "user_events" DEFAULT;
