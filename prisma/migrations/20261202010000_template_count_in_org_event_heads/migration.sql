-- An org's template count (its quota) moves into its org_event_heads row: a template create or
-- delete then takes one row lock and makes one row update for its quota and its event, instead
-- of one for each (half the Postgres cost of writing the event, measured with pgbench).
-- API and worker processes of the previous version write org_template_counts: stop them before
-- this migration runs (docker-compose's migrate service runs before api and worker start).

-- AlterTable
ALTER TABLE "org_event_heads" ADD COLUMN     "template_count" INTEGER NOT NULL DEFAULT 0;

-- The counts move over (an org with templates but no events yet gets a row at position 0).
INSERT INTO "org_event_heads" ("org_id", "last_seq", "template_count")
SELECT "org_id", 0, "count" FROM "org_template_counts"
ON CONFLICT ("org_id") DO UPDATE SET "template_count" = EXCLUDED."template_count";

-- DropTable
DROP TABLE "org_template_counts";
