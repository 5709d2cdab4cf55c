-- The event log: one row per change, appended in the transaction of the change
-- (libs/db/src/events/event-append.ts, which also NOTIFYs `org_events` for each row, delivered
-- on commit). Positions are per organization: org_event_heads holds the last one, and its row
-- lock orders each org's events by commit.

-- CreateTable
CREATE TABLE "org_event_heads" (
    "org_id" TEXT NOT NULL,
    "last_seq" BIGINT NOT NULL,

    CONSTRAINT "org_event_heads_pkey" PRIMARY KEY ("org_id")
);

-- CreateTable
CREATE TABLE "events" (
    "org_id" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "subject_kind" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "request_id" TEXT,
    "data" JSONB NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("org_id","seq")
);

-- CreateIndex
CREATE INDEX "events_org_id_subject_id_seq_idx" ON "events"("org_id", "subject_id", "seq" DESC);

-- CreateIndex: retention trims by age; rows arrive in time order, so a BRIN index is enough
CREATE INDEX "events_occurred_at_idx" ON "events" USING BRIN ("occurred_at");
