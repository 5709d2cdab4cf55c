import { z } from 'zod';
import { queryInteger, queryString } from './common.schemas';

/** Cursor pagination shared by every list: `?limit=&cursor=`, answered with `next_cursor`. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const pageLimit = () =>
  queryInteger(1, MAX_PAGE_SIZE)
    .optional()
    .transform((limit) => limit ?? DEFAULT_PAGE_SIZE)
    .meta({ description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` });

export const nextCursor = () =>
  z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' });

/** A keyset position: the (created_at, id) of the last item of the previous page, newest first. */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOT_OURS = 'is not a cursor returned by this API';

/** Opaque to clients. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ t: position.createdAt.toISOString(), i: position.id })).toString('base64url');
}

function decodeCursor(cursor: string): KeysetPosition | undefined {
  try {
    const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: unknown; i: unknown };
    const createdAt = new Date(String(t));
    if (typeof t === 'string' && typeof i === 'string' && UUID.test(i) && !Number.isNaN(createdAt.getTime())) return { createdAt, id: i };
  } catch {
    // not ours: reported by the caller
  }
  return undefined;
}

/** The `cursor` query parameter of a keyset-paginated list, decoded. */
export const keysetCursor = () =>
  queryString(NOT_OURS)
    .transform((cursor, context) => {
      const position = decodeCursor(cursor);
      if (!position) context.issues.push({ code: 'custom', message: NOT_OURS, input: cursor });
      return position ?? z.NEVER;
    })
    .optional()
    .meta({ description: '`next_cursor` of the previous page.' });

/**
 * A page from rows fetched with `limit + 1`: the first `limit` mapped, and the cursor of the
 * last of them when there was one more row.
 */
export function toPage<T, R>(rows: readonly T[], limit: number, map: (row: T) => R, cursorOf: (row: T) => string): { data: R[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { data: items.map(map), next_cursor: rows.length > limit && last ? cursorOf(last) : null };
}
