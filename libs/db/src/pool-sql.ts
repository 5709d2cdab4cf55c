import type { QueryConfig } from 'pg';
import type { Prisma } from './generated/prisma/client';

/**
 * Tagged SQL (`Prisma.sql`) as a query for the pg pool: the API's hot writes (create, delete)
 * run this way instead of through `$queryRaw`, whose per-call cost grew with the event CTEs
 * these statements carry (measured with the bench's CPU accounting; the same reason the reads
 * use the pool). Unnamed on purpose: a named statement is prepared per server connection and
 * outlives the transaction, which a transaction-mode PgBouncer (1.18) cannot keep.
 */
export function poolQuery(sql: Prisma.Sql): QueryConfig {
  return { text: sql.text, values: sql.values };
}
