/** Every error the API reports: a machine-readable code and an HTTP status it maps to. */
export enum ErrorCode {
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  ValidationError = 'validation_error',
  QuotaExceeded = 'quota_exceeded',
  Conflict = 'conflict',
  /** A registry credential that templates still use cannot be deleted. */
  CredentialInUse = 'credential_in_use',
  PayloadTooLarge = 'payload_too_large',
  IdempotencyMismatch = 'idempotency_key_mismatch',
  RateLimited = 'rate_limited',
  TooManyStreams = 'too_many_streams',
  Unavailable = 'unavailable',
  InternalError = 'internal_error',
}

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.ValidationError]: 400,
  [ErrorCode.QuotaExceeded]: 400,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.CredentialInUse]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.IdempotencyMismatch]: 422,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.TooManyStreams]: 429,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.InternalError]: 500,
};

/**
 * The one error class the services throw for expected failures. Its message is shown to
 * the caller, so it must never contain secrets, SQL or stack traces.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. Retry-After on rate_limited. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  static validation(field: string, problem: string): DomainError {
    return new DomainError(ErrorCode.ValidationError, `${field}: ${problem}`);
  }

  static notFound(what = 'Template not found'): DomainError {
    return new DomainError(ErrorCode.NotFound, what);
  }
}
