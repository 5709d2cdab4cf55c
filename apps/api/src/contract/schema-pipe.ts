import { createParamDecorator, ExecutionContext, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { DomainError, shorten } from '@app/common';

/** Caller-supplied keys quoted in a message are cut to this many characters. */
const MAX_QUOTED_KEY = 64;

/** Where a value comes from: decides how an unknown key and a wrong top-level type are named. */
export type InputLocation = 'body' | 'query' | 'header';

const UNKNOWN_KEY: Record<InputLocation, string> = {
  body: 'is not a known field',
  query: 'is not a known query parameter',
  header: 'is not a known header',
};

export interface SchemaPipeOptions {
  /** Name used when the value itself (not a field inside it) is wrong, e.g. `Idempotency-Key`. */
  field?: string;
  /** Keys that are part of the resource but not writable: refused with "is read-only". */
  readOnlyKeys?: ReadonlySet<string>;
}

/**
 * Validates one request part (body, query or a header) against its schema and hands the
 * handler the parsed value (the schema's output type). A failure is `400 validation_error`
 * whose message starts with the field: `name: must be 3 to 100 characters long`. Of several
 * problems the first is reported: unknown keys first, then fields in schema order.
 */
export class SchemaPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly location: InputLocation,
    private readonly options: SchemaPipeOptions = {},
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw this.toDomainError(result.error.issues);
  }

  private toDomainError(issues: readonly z.core.$ZodIssue[]): DomainError {
    const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
    if (unknown && unknown.code === 'unrecognized_keys') {
      // A key inside a nested object is named by its path: `trusted_keys[0].fingerprint`.
      const key = unknown.keys[0];
      const field = fieldPath([...unknown.path, key]);
      if (this.options.readOnlyKeys?.has(key)) return DomainError.validation(field, 'is read-only and cannot be set');
      return DomainError.validation(field, UNKNOWN_KEY[this.location]);
    }
    const issue = issues[0];
    if (issue.path.length === 0) {
      if (this.options.field) return DomainError.validation(this.options.field, issue.message);
      return DomainError.validation(this.location, issue.code === 'invalid_type' ? 'must be a JSON object' : issue.message);
    }
    return DomainError.validation(fieldPath(issue.path), issue.message);
  }
}

/** `trusted_keys[2].public_key` from zod's `['trusted_keys', 2, 'public_key']`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = shorten(String(key), MAX_QUOTED_KEY);
    return text ? `${text}.${name}` : name;
  }, '');
}

/** A pipe for a request body. */
export const body = <S extends z.ZodType>(schema: S, options?: SchemaPipeOptions) => new SchemaPipe(schema, 'body', options);
/** A pipe for the query string. */
export const query = <S extends z.ZodType>(schema: S) => new SchemaPipe(schema, 'query');
/** A pipe for one header's value; `name` is how messages call it. */
export const header = <S extends z.ZodType>(schema: S, name: string) => new SchemaPipe(schema, 'header', { field: name });

/** One request header's raw value, for a `header(...)` pipe (Nest's `@Headers` takes no pipes). */
export const RequestHeader = createParamDecorator((name: string, context: ExecutionContext): unknown => {
  return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[name.toLowerCase()];
});
