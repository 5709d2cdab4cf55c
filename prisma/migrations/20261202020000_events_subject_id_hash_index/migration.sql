-- The audit trail's `subject_id` filter through a hash index instead of a B-tree on
-- (org_id, subject_id, seq DESC): subject ids are random UUIDs, so every event lands at a random
-- place of that B-tree, whose pages (about 70 bytes an entry) stop fitting in memory as the log
-- grows and make every appended event dearer; the hash index holds a 4-byte hash per entry
-- (measured: for 400,000 events, the last 100,000 appended one by one, 13 MB where the B-tree
-- took 44 MB). A subject has few events (a template: its
-- changes and validations within EVENT_RETENTION), which are read by the hash and sorted.

-- DropIndex
DROP INDEX "events_org_id_subject_id_seq_idx";

-- CreateIndex
CREATE INDEX "events_subject_id_idx" ON "events" USING HASH ("subject_id");
