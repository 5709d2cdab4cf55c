import { TransportResponse } from './http-transport';
import { FailureContext, parseRegistryErrors, parseRetryAfter, pingErrorFor, registryErrorFor } from './registry-response';

const NOW = Date.parse('2025-01-01T00:00:00Z');

function response(status: number, body: unknown = '', headers: Record<string, string> = {}): TransportResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, body: Buffer.from(text), url: new URL('https://registry.example/v2/org/app/manifests/1') };
}

const context: FailureContext = {
  registry: 'registry.example',
  repository: 'registry.example/org/app',
  hintHost: 'registry.example',
  hasCredentials: true,
  credentialsAccepted: false,
  secrets: ['s3cret-password'],
  now: NOW,
};
const manifest = { kind: 'manifest', description: 'Tag "1"' } as const;

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['999999', 3_600_000],
    ['soon', undefined],
    ['-5', undefined],
  ])('%j → %s', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('is undefined without a header', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('parseRegistryErrors', () => {
  it('reads distribution-spec error bodies', () => {
    expect(parseRegistryErrors(Buffer.from('{"errors":[{"code":"name_unknown","message":"repository name not known","detail":{}}]}'))).toEqual([
      { code: 'NAME_UNKNOWN', message: 'repository name not known' },
    ]);
  });

  it.each(['', 'not json', '{"errors":"x"}', 'null', '[]'])('returns nothing for %j', (text) => {
    expect(parseRegistryErrors(Buffer.from(text))).toEqual([]);
  });
});

describe('registryErrorFor', () => {
  it('maps 401 with unaccepted credentials to invalid_credentials with a registry hint', () => {
    const error = registryErrorFor(response(401), manifest, { ...context, hintHost: 'nvcr.io' });
    expect(error).toMatchObject({ code: 'invalid_credentials', retryable: false });
    expect(error.message).toContain('$oauthtoken');
  });

  it('maps 401 after the token service accepted the credentials to access_denied', () => {
    const error = registryErrorFor(response(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }), manifest, {
      ...context,
      credentialsAccepted: true,
    });
    expect(error.code).toBe('access_denied');
    expect(error.message).toMatch(/does not exist or the token cannot read it/);
  });

  it('maps 401 without credentials to access_denied asking for credentials', () => {
    const error = registryErrorFor(response(401), manifest, { ...context, hasCredentials: false });
    expect(error.code).toBe('access_denied');
    expect(error.message).toMatch(/requires credentials/);
  });

  it('maps 403 to access_denied', () => {
    expect(registryErrorFor(response(403), manifest, context).code).toBe('access_denied');
  });

  it('maps 404 NAME_UNKNOWN to repository_not_found and other 404s to manifest_not_found', () => {
    expect(registryErrorFor(response(404, { errors: [{ code: 'NAME_UNKNOWN' }] }), manifest, context).code).toBe('repository_not_found');
    const missingTag = registryErrorFor(response(404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] }), manifest, context);
    expect(missingTag).toMatchObject({ code: 'manifest_not_found', message: 'Tag "1" was not found in registry.example/org/app.' });
  });

  it('maps 429 to rate_limited with Retry-After', () => {
    expect(registryErrorFor(response(429, '', { 'retry-after': '7' }), manifest, context)).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 7000,
    });
  });

  it.each([408, 500, 502, 503, 504])('maps %d to retryable registry_unreachable', (status) => {
    expect(registryErrorFor(response(status), manifest, context)).toMatchObject({ code: 'registry_unreachable', retryable: true });
  });

  it('maps other statuses to registry_error quoting a short, sanitized registry message', () => {
    const message = `bad\u0000thing s3cret-password Bearer abcdefghijklmnop ${'x'.repeat(500)}`;
    const error = registryErrorFor(response(400, { errors: [{ code: 'NAME_INVALID', message }] }), manifest, context);
    expect(error.code).toBe('registry_error');
    expect(error.message).not.toContain('s3cret-password');
    expect(error.message).not.toContain('abcdefghijklmnop');
    expect(error.message).not.toContain('\u0000');
    expect(error.message.length).toBeLessThan(400);
  });

  it('never echoes a non-JSON error body', () => {
    const error = registryErrorFor(response(400, '<html>secret internal page</html>'), manifest, context);
    expect(error.message).not.toContain('secret internal page');
  });
});

describe('pingErrorFor', () => {
  it('explains a host without the /v2/ API', () => {
    expect(pingErrorFor(response(404), NOW)).toMatchObject({ code: 'registry_error', message: expect.stringMatching(/\/v2\//) });
  });
  it('keeps 5xx retryable', () => {
    expect(pingErrorFor(response(503), NOW)).toMatchObject({ code: 'registry_unreachable', retryable: true });
  });
});
