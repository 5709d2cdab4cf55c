-- The outbox sweep reads unfinished validations (pending or running), oldest queueing first;
-- the re-validation scheduler reads Active templates whose last check passed, oldest check
-- first. Each gets a partial index over exactly those rows, in that order, so its LIMIT stops
-- after one batch whatever the size of the table (the sweep's old index returned every
-- unfinished row of both states for a sort). They replace the two composite indexes that
-- also held every other row.
--
-- Plain CREATE INDEX (migrations run in a transaction): it blocks writes to templates while it
-- builds, about a second per million rows on 2 cores.

-- DropIndex
DROP INDEX "templates_validation_state_queued_at_idx";

-- DropIndex
DROP INDEX "templates_status_state_checked_at_idx";

-- CreateIndex
CREATE INDEX "templates_unfinished_queued_at_idx" ON "templates"("validation_queued_at") WHERE validation_state IN ('pending', 'running');

-- CreateIndex
CREATE INDEX "templates_revalidation_due_idx" ON "templates"("validation_checked_at") WHERE status = 'Active' AND validation_state = 'passed';
