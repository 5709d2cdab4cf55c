/**
 * The SQL of the outbox sweep and of the re-validation scheduler (ValidationOutboxRepository),
 * in a module without imports so that the benchmark EXPLAINs exactly what the worker runs
 * (bench/workloads/background.ts). Each reads through its partial index (migration
 * 20261201050000_background_work_indexes): an ordered range scan that a LIMIT stops, so a
 * tick costs the same at 10 thousand and at a million templates.
 */

/** $1 queued before (timestamptz), $2 limit: unfinished validations, oldest queueing first. */
export const UNFINISHED_VALIDATIONS_SQL = `SELECT id FROM templates
WHERE validation_state IN ('pending', 'running') AND validation_queued_at < $1::timestamptz
ORDER BY validation_queued_at
LIMIT $2`;

/**
 * $1 REVALIDATE_INTERVAL (ms), $2 limit: Active templates whose last passed check is older
 * than the interval, oldest first, put back to pending. SKIP LOCKED and the state change let
 * several workers run it at once; the bound is a plain range on the indexed column.
 */
export const CLAIM_DUE_REVALIDATIONS_SQL = `UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
WHERE id IN (
  SELECT id FROM templates
  WHERE status = 'Active' AND validation_state = 'passed'
    AND validation_checked_at < now() - $1::double precision * interval '1 millisecond'
  ORDER BY validation_checked_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
RETURNING id`;

/**
 * How many templates take part in re-validation, as Postgres' statistics estimate it (the
 * scheduler's index entries as of the last ANALYZE or VACUUM): no scan, whatever the size.
 */
export const REVALIDATION_POPULATION_ESTIMATE_SQL = `SELECT greatest(reltuples, 0)::float8 AS estimate
FROM pg_class WHERE oid = to_regclass('templates_revalidation_due_idx')`;
