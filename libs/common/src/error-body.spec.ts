import { DomainError, ErrorCode } from './domain-error';
import { isDatabaseUnavailable, mapError } from './error-body';

describe('mapError', () => {
  it('maps domain errors to their status and {code, message}', () => {
    expect(mapError(new DomainError(ErrorCode.Conflict, 'taken'), 'r1')).toMatchObject({ status: 409, body: { code: 'conflict', message: 'taken' } });
    expect(mapError(new DomainError(ErrorCode.QuotaExceeded, 'full'), 'r1').status).toBe(400);
    expect(mapError(new DomainError(ErrorCode.RateLimited, 'slow down', { 'retry-after': '3' }), 'r1').headers).toEqual({ 'retry-after': '3' });
  });

  it('hides unknown errors behind internal_error with the request id', () => {
    const mapped = mapError(new Error('relation "templates" does not exist at SELECT * FROM x'), 'req-42');
    expect(mapped.status).toBe(500);
    expect(mapped.unexpected).toBe(true);
    expect(mapped.body).toEqual({ code: 'internal_error', message: 'Internal server error (request id req-42)' });
  });

  it('maps Fastify body errors', () => {
    expect(mapError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 'r').body.code).toBe('payload_too_large');
    expect(mapError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 'r')).toMatchObject({ status: 400, body: { code: 'validation_error' } });
  });

  it('recognises an unreachable database as 503', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable({ message: 'wrapped', cause: refused })).toBe(true);
    expect(mapError(refused, 'r')).toMatchObject({ status: 503, body: { code: 'unavailable' } });
    expect(mapError(refused, 'r').body.message).not.toContain('127.0.0.1');
    expect(isDatabaseUnavailable(new Error('syntax error'))).toBe(false);
    const prismaShape = { code: 'P2010', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable' } } } };
    expect(isDatabaseUnavailable(prismaShape)).toBe(true);
  });

  it('recognises PgBouncer failing to reach Postgres, and a query that got no answer in time, as 503', () => {
    const pooler = (message: string) => ({ severity: 'FATAL', code: '08P01', message });
    for (const message of [
      'server login has been failing, try again later (server_login_retry)',
      'query_wait_timeout',
      'no more connections allowed (max_client_conn)',
    ]) {
      const prismaShape = { code: 'P2010', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', ...pooler(message) } } } };
      expect(isDatabaseUnavailable(prismaShape)).toBe(true);
      expect(mapError(pooler(message), 'r')).toMatchObject({ status: 503, body: { code: 'unavailable' } });
    }
    expect(isDatabaseUnavailable(new Error('Query read timeout'))).toBe(true);
    expect(isDatabaseUnavailable(pooler('invalid frontend message type 0'))).toBe(false);
  });
});
