import { z } from 'zod';
import { ErrorCode } from '@app/common';

/**
 * Schemas and field rules every resource uses. Messages are the problem only; the pipe
 * prefixes the field (`name: is required`).
 */

const isAbsent = (input: unknown) => input === undefined || input === null;

/** A required string field: "is required" when missing or null, "must be a string" otherwise. */
export function requiredString() {
  return z.string({ error: (issue) => (isAbsent(issue.input) ? 'is required' : 'must be a string') });
}

/** A string that must be `min` to `max` characters long (one message for both ends, in the document as minLength/maxLength). */
export function boundedString(min: number, max: number) {
  if (min === 0) return requiredString().max(max, `must be at most ${max} characters long`);
  const message = `must be ${min} to ${max} characters long`;
  return requiredString().min(min, message).max(max, message);
}

export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A query parameter given as one string (`?a=1&a=2` is refused: "must be given once"). */
export function queryString(problem: string) {
  return z.string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : problem) });
}

/** An integer query parameter: digits only, then the range check. */
export function queryInteger(min: number, max: number) {
  const problem = `must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value),
    z.int({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : problem) }).min(min, problem).max(max, problem),
  );
}

/** The spec's `ErrorResponse`, with every code the API can answer. */
export const ErrorResponseSchema = z
  .object({
    code: z.enum(ErrorCode).meta({ description: 'A machine-readable error code.' }),
    message: z.string().meta({ description: 'A human-readable message providing details about the error.' }),
  })
  .meta({ id: 'ErrorResponse', description: 'A standard format for error responses.' });

export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** A path parameter that is a plain string in the document (ids are checked by UuidOr404Pipe). */
export const pathString = (description: string) => z.string().meta({ description });

/** RFC 3339 timestamp as the API writes it (`Date.toISOString()`). */
export const timestamp = (description?: string) => z.string().meta({ format: 'date-time', ...(description ? { description } : {}) });

/** A UUID as the API writes it. */
export const uuidString = (description?: string) => z.string().meta({ format: 'uuid', ...(description ? { description } : {}) });

/** `{message}`: what a delete answers. Inline in the document (the seed gives it no component name). */
export const MessageResponseSchema = z.object({ message: z.string() });
export type MessageResponse = z.infer<typeof MessageResponseSchema>;

export const OrgPathParams = z.object({ org_id: pathString('The organization identifier.') });
