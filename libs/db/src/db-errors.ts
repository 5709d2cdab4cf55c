import { someErrorInChain } from '@app/common';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/** Postgres refused the write with this SQLSTATE (pg's code, or Prisma's wrapping of it). */
function isViolation(error: unknown, sqlState: string, prismaCode: string): boolean {
  return someErrorInChain(
    error,
    ({ code, meta }) => code === sqlState || code === prismaCode || (code === 'P2010' && JSON.stringify(meta ?? {}).includes(sqlState)),
  );
}

/** A unique index refused the write. */
export function isUniqueViolation(error: unknown): boolean {
  return isViolation(error, UNIQUE_VIOLATION, 'P2002');
}

/** A foreign key refused the write (a referenced row is gone, or a referencing row remains). */
export function isForeignKeyViolation(error: unknown): boolean {
  return isViolation(error, FOREIGN_KEY_VIOLATION, 'P2003');
}
