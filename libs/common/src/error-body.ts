import { DomainError, ErrorCode, HTTP_STATUS_BY_CODE } from './domain-error';
import { someErrorInChain } from './error-chain';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** True when the error is ours to fix (logged with its stack, message hidden from the caller). */
  unexpected: boolean;
}

/** Fastify's own errors (body parsing, limits) and what the caller is told about them. */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: ErrorCode.PayloadTooLarge, message: 'Request body is larger than 64 KiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: ErrorCode.ValidationError,
    message: 'Content-Type must be application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ErrorCode.ValidationError, message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: ErrorCode.ValidationError, message: 'Request body must be a JSON object' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: ErrorCode.ValidationError, message: 'Request body is not valid JSON' },
};

/** Postgres / driver signals that the database cannot be reached right now (not a bug of ours). */
const UNAVAILABLE_SIGNALS = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (statement timeout)
  '08000',
  '08001',
  '08003',
  '08006',
  '53300', // too_many_connections
  'P1001',
  'P1002',
  'P1017',
  'P2024',
];
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /Connection terminated unexpectedly/i,
  /the database system is (starting up|shutting down)/i,
  /Client has encountered a connection error/i,
  // pg's query_timeout: no answer in time (e.g. queued in PgBouncer while no server connection can be made)
  /Query read timeout/i,
  // PgBouncer's own errors (SQLSTATE 08P01) while it cannot reach Postgres or is full
  /server login has been failing/i,
  /query_wait_timeout/i,
  /no more connections allowed \(max_client_conn\)/i,
  /server conn crashed/i,
];
/** Prisma driver-adapter error kinds that mean the database is away, not that the query is wrong. */
const UNAVAILABLE_KINDS = ['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist'];

export function isDatabaseUnavailable(error: unknown): boolean {
  return someErrorInChain(
    error,
    ({ code, kind, message }) =>
      (typeof code === 'string' && UNAVAILABLE_SIGNALS.includes(code)) ||
      (typeof kind === 'string' && UNAVAILABLE_KINDS.includes(kind)) ||
      (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(message))),
  );
}

/** Turns anything thrown while handling a request into the `{code, message}` contract. */
export function mapError(error: unknown, requestId: string): MappedError {
  if (error instanceof DomainError) {
    return { status: error.status, body: { code: error.code, message: error.message }, headers: error.headers, unexpected: false };
  }
  const fastifyCode = (error as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_ERRORS[fastifyCode]) {
    const { code, message } = FASTIFY_ERRORS[fastifyCode];
    return { status: HTTP_STATUS_BY_CODE[code], body: { code, message }, headers: {}, unexpected: false };
  }
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
    return known(ErrorCode.ValidationError, 'Request body is not valid JSON');
  }
  const httpStatus = (error as { getStatus?: () => number })?.getStatus?.() ?? (error as { statusCode?: number })?.statusCode;
  if (httpStatus === 404) return known(ErrorCode.NotFound, 'Route not found');
  if (httpStatus === 405) return known(ErrorCode.NotFound, 'Method not allowed on this route');
  if (httpStatus === 413) return known(ErrorCode.PayloadTooLarge, 'Request body is larger than 64 KiB');
  if (httpStatus === 415) return known(ErrorCode.ValidationError, 'Content-Type must be application/json');
  if (httpStatus === 400) {
    const isJson = /JSON/i.test(String((error as Error)?.message));
    return known(ErrorCode.ValidationError, isJson ? 'Request body is not valid JSON' : 'Malformed request');
  }
  if (isDatabaseUnavailable(error)) {
    return {
      ...known(ErrorCode.Unavailable, 'The service is temporarily unavailable; retry shortly'),
      headers: { 'retry-after': '2' },
    };
  }
  return {
    status: 500,
    body: { code: ErrorCode.InternalError, message: `Internal server error (request id ${requestId})` },
    headers: {},
    unexpected: true,
  };
}

function known(code: ErrorCode, message: string): MappedError {
  return { status: HTTP_STATUS_BY_CODE[code], body: { code, message }, headers: {}, unexpected: false };
}
