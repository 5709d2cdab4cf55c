import { DomainError } from '@app/common';
import type { ListQuery, TemplateStatus } from '@app/db';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const KNOWN_PARAMETERS = new Set(['limit', 'cursor', 'status', 'category', 'name_prefix']);
const STATUSES: readonly TemplateStatus[] = ['Inactive', 'Active'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Validates list query parameters; each message names the parameter. */
export function parseListQuery(query: Record<string, unknown> | undefined): ListQuery {
  const params = query ?? {};
  for (const key of Object.keys(params)) {
    if (!KNOWN_PARAMETERS.has(key)) throw DomainError.validation(key.slice(0, 64), 'is not a known query parameter');
  }
  const result: ListQuery = { limit: parseLimit(single(params, 'limit')) };
  const cursor = single(params, 'cursor');
  if (cursor !== undefined) result.after = decodeCursor(cursor);
  const status = single(params, 'status');
  if (status !== undefined) {
    if (!STATUSES.includes(status as TemplateStatus)) throw DomainError.validation('status', 'must be Inactive or Active');
    result.status = status as TemplateStatus;
  }
  const category = single(params, 'category');
  if (category !== undefined) {
    if (category.length < 1 || category.length > 64) throw DomainError.validation('category', 'must be 1 to 64 characters long');
    result.category = category;
  }
  const namePrefix = single(params, 'name_prefix');
  if (namePrefix !== undefined) {
    if (namePrefix.length < 1 || namePrefix.length > 100) {
      throw DomainError.validation('name_prefix', 'must be 1 to 100 characters long');
    }
    result.namePrefix = namePrefix;
  }
  return result;
}

/** Opaque to clients: the (created_at, id) of the last item of the previous page. */
export function encodeCursor(position: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ t: position.createdAt.toISOString(), i: position.id })).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: unknown; i: unknown };
    const createdAt = new Date(String(t));
    if (typeof t === 'string' && typeof i === 'string' && UUID.test(i) && !Number.isNaN(createdAt.getTime())) {
      return { createdAt, id: i };
    }
  } catch {
    // reported below
  }
  throw DomainError.validation('cursor', 'is not a cursor returned by this API');
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) {
    throw DomainError.validation('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return Number(raw);
}

function single(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw DomainError.validation(name, 'must be given once');
  return value;
}
