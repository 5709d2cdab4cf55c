import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';
import type { Prisma } from './generated/prisma/client';

/**
 * Tagged SQL (`Prisma.sql`) as a named statement for the pg pool, prepared once per
 * connection: the API's hot writes (create, delete) run this way instead of through
 * `$queryRaw`, whose per-call cost grew with the event CTEs these statements carry (measured
 * with the bench's CPU accounting; the same reason the reads use the pool).
 */
export function preparedQuery(sql: Prisma.Sql): QueryConfig {
  return { name: `w_${createHash('sha1').update(sql.text).digest('hex').slice(0, 20)}`, text: sql.text, values: sql.values };
}
