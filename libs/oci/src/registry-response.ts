import { RegistryError, sanitizeRegistryMessage, ValidationErrorCode } from './errors';
import { TransportResponse } from './http-transport';
import { credentialHint } from './registry-hints';
import { parseRetryAfter } from './retry-after';

export { parseRetryAfter } from './retry-after';

/** One entry of a distribution-spec error body: `{"errors":[{"code","message","detail"}]}`. */
export interface RegistryErrorEntry {
  readonly code?: string;
  readonly message?: string;
}

const MAX_ERROR_ENTRIES = 10;

/** Error entries from a (capped) error body; empty when the body is not a distribution-spec error. */
export function parseRegistryErrors(body: Buffer): RegistryErrorEntry[] {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const errors = (document as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.slice(0, MAX_ERROR_ENTRIES).map((entry: unknown) => {
    const raw = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    return {
      code: typeof raw.code === 'string' ? raw.code.toUpperCase() : undefined,
      message: typeof raw.message === 'string' ? raw.message : undefined,
    };
  });
}

/** `CODE: message` of the first registry error, sanitized and short, for inclusion in our messages. */
export function registryDetail(entries: readonly RegistryErrorEntry[], secrets: readonly string[]): string | undefined {
  const first = entries[0];
  if (!first?.code && !first?.message) return undefined;
  return sanitizeRegistryMessage([first.code, first.message].filter(Boolean).join(': '), secrets);
}

/**
 * The error for responses that may succeed later (408, 429, 5xx), else
 * undefined. 429 is `rate_limited`; the others `registry_unreachable`.
 */
export function transientError(response: TransportResponse, host: string, now: number, status = response.status): RegistryError | undefined {
  const retryAfterMs = parseRetryAfter(headerValue(response, 'retry-after'), now);
  if (status === 429) {
    return new RegistryError(
      ValidationErrorCode.RateLimited,
      `The registry at ${host} is rate-limiting requests (HTTP 429). The check will be retried later; registry credentials often raise the limit.`,
      { retryable: true, retryAfterMs },
    );
  }
  if (status === 408 || status >= 500) {
    return new RegistryError(
      ValidationErrorCode.RegistryUnreachable,
      `The registry at ${host} is temporarily unavailable (HTTP ${status}). The check will be retried.`,
      { retryable: true, retryAfterMs },
    );
  }
  return undefined;
}

/**
 * The distribution-spec error codes that say what happened whatever the HTTP status, as the
 * status they mean: a 5xx whose body says MANIFEST_UNKNOWN, NAME_UNKNOWN or DENIED is a
 * permanent answer (some registries and proxies send 500 or 503 for them), and
 * TOOMANYREQUESTS is rate limiting even without a 429.
 */
const STATUS_OF_REGISTRY_CODE: Readonly<Record<string, number>> = {
  UNAUTHORIZED: 401,
  DENIED: 403,
  NAME_UNKNOWN: 404,
  MANIFEST_UNKNOWN: 404,
  BLOB_UNKNOWN: 404,
  TOOMANYREQUESTS: 429,
};

/** The status the response means: from the first error entry with a code in STATUS_OF_REGISTRY_CODE, else its own. */
function effectiveStatus(response: TransportResponse, entries: readonly RegistryErrorEntry[]): number {
  if (response.status >= 200 && response.status < 400) return response.status;
  for (const entry of entries) {
    const status = entry.code ? STATUS_OF_REGISTRY_CODE[entry.code] : undefined;
    if (status) return status;
  }
  return response.status;
}

/** A single header value (the first, when repeated). */
export function headerValue(response: TransportResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** What the failed request was for, so the error can say what is missing or denied. */
export type RequestTarget =
  | { readonly kind: 'token' }
  | { readonly kind: 'tag-list' }
  | { readonly kind: 'manifest'; readonly description: string }
  | { readonly kind: 'blob'; readonly description: string; readonly digest: string }
  | { readonly kind: 'referrers' };

export interface FailureContext {
  /** Registry as the user wrote it, e.g. `ghcr.io`. */
  readonly registry: string;
  /** `registry/repository`, for messages. */
  readonly repository: string;
  /** Registry host name without port, for credential hints. */
  readonly hintHost: string;
  readonly hasCredentials: boolean;
  /** A token service already accepted the credentials (so a later 401 is about access, not the password). */
  readonly credentialsAccepted: boolean;
  /** Values to redact from anything the registry says (password, tokens). */
  readonly secrets: readonly string[];
  readonly now: number;
}

/** Maps a non-2xx registry or token-service response to a typed, user-facing error. */
export function registryErrorFor(response: TransportResponse, target: RequestTarget, context: FailureContext): RegistryError {
  const host = response.url.host;
  const entries = parseRegistryErrors(response.body);
  const status = effectiveStatus(response, entries);
  const transient = transientError(response, host, context.now, status);
  if (transient) return transient;

  const detail = registryDetail(entries, context.secrets);
  const said = detail ? ` The registry said: "${detail}".` : '';

  if (status === 401) {
    if (!context.hasCredentials) {
      return new RegistryError(
        ValidationErrorCode.AccessDenied,
        `${context.registry} requires credentials to pull ${context.repository} (or the repository does not exist). Add a registry username and token to the template.`,
      );
    }
    if (!context.credentialsAccepted) {
      return new RegistryError(
        ValidationErrorCode.InvalidCredentials,
        `${context.registry} rejected the registry username or token. ${credentialHint(context.hintHost)}`,
      );
    }
    return new RegistryError(
      ValidationErrorCode.AccessDenied,
      `${context.registry} accepted the credentials but denied pulling ${context.repository}: the repository does not exist or the token cannot read it.${said} ${credentialHint(context.hintHost)}`,
    );
  }
  if (status === 403) {
    const who = context.hasCredentials ? 'these credentials' : 'anonymous access';
    const hint = context.hasCredentials ? ` ${credentialHint(context.hintHost)}` : ' Add a registry username and token to the template.';
    return new RegistryError(ValidationErrorCode.AccessDenied, `${context.registry} denied ${who} to ${context.repository}.${said}${hint}`);
  }
  if (status === 404) {
    if (entries.some((e) => e.code === 'NAME_UNKNOWN')) {
      return new RegistryError(ValidationErrorCode.RepositoryNotFound, `Repository ${context.repository} was not found on ${context.registry}.`);
    }
    if (target.kind === 'manifest') {
      return new RegistryError(ValidationErrorCode.ManifestNotFound, `${target.description} was not found in ${context.repository}.`);
    }
    if (target.kind === 'blob') {
      return new RegistryError(
        ValidationErrorCode.BlobMissing,
        `${target.description} (${target.digest}) is missing from ${context.repository}: the image cannot be pulled. Push the image again.`,
      );
    }
  }
  const service = target.kind === 'token' ? `The token service at ${host}` : `The registry at ${host}`;
  return new RegistryError(ValidationErrorCode.RegistryError, `${service} answered HTTP ${response.status}.${said}`);
}

/** Maps a failed `GET /v2/` (other than 401) without naming any repository: the ping is shared by all callers. */
export function pingErrorFor(response: TransportResponse, now: number): RegistryError {
  const host = response.url.host;
  const transient = transientError(response, host, now);
  if (transient) return transient;
  if (response.status === 404) {
    return new RegistryError(ValidationErrorCode.RegistryError, `${host} does not serve the OCI distribution API (no /v2/ endpoint). Check the registry host.`);
  }
  return new RegistryError(ValidationErrorCode.RegistryError, `The registry at ${host} answered HTTP ${response.status} to the API version check (/v2/).`);
}
