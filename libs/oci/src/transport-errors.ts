import { RegistryError, ValidationErrorCode } from './errors';

/** Why the egress policy refused a destination. */
export type EgressRefusal = 'plain-http' | 'blocked-address';

/**
 * A destination (registry, token realm, redirect target) the egress policy refuses. Callers
 * that know what the destination was for may report it with a code of their own (a plain-HTTP
 * token realm is `insecure_realm`).
 */
export class EgressRefusedError extends RegistryError {
  constructor(
    readonly reason: EgressRefusal,
    /** `host:port` of the refused destination. */
    readonly endpoint: string,
  ) {
    super(
      reason === 'plain-http' ? ValidationErrorCode.RegistryError : ValidationErrorCode.RegistryAddressBlocked,
      reason === 'plain-http'
        ? `Refusing to use plain HTTP for ${endpoint}: registries must be reached over HTTPS.`
        : `Connections to ${endpoint} are not allowed: it resolves to a non-public network address. Registries must be reachable on the public internet.`,
    );
  }
}

const TLS_ERROR_CODE = /^(ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|^EPROTO$/;

/** The undici timeouts, by error code, and what the registry failed to do in time. */
const TIMEOUTS: Readonly<Record<string, (t: { connectTimeoutMs: number; headersTimeoutMs: number }) => string>> = {
  UND_ERR_CONNECT_TIMEOUT: (t) => `accept the connection within ${t.connectTimeoutMs} ms`,
  UND_ERR_HEADERS_TIMEOUT: (t) => `send response headers within ${t.headersTimeoutMs} ms`,
  UND_ERR_BODY_TIMEOUT: (t) => `send the response body (stalled for ${t.headersTimeoutMs} ms)`,
};

/** A socket-level failure (refused, reset, timed out, TLS) as a typed, user-facing error. */
export function connectionError(
  endpoint: string,
  error: unknown,
  timeouts: { connectTimeoutMs: number; headersTimeoutMs: number },
): RegistryError {
  if (error instanceof RegistryError) return error;
  const code = errorCode(error);
  const timeout = TIMEOUTS[code];
  if (timeout) {
    return new RegistryError(ValidationErrorCode.RegistryUnreachable, `The registry at ${endpoint} did not ${timeout(timeouts)}.`, {
      retryable: true,
    });
  }
  if (TLS_ERROR_CODE.test(code)) {
    return new RegistryError(
      ValidationErrorCode.TlsError,
      `Could not establish a trusted TLS connection to ${endpoint} (${code}). The registry must serve a valid certificate for its host name, signed by a public CA.`,
    );
  }
  return new RegistryError(
    ValidationErrorCode.RegistryUnreachable,
    `Could not reach the registry at ${endpoint} (${code}). Check the host name and port; the check will be retried.`,
    { retryable: true },
  );
}

/** A closed keep-alive socket found on reuse: one fresh attempt should work (GET and HEAD are idempotent). */
export function isStaleSocketError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** The error's code; an AggregateError (every address of a host failed) reports its first error's. */
function errorCode(error: unknown): string {
  const candidate = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const code = (candidate as { code?: unknown } | null)?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'ECONNRESET';
}
