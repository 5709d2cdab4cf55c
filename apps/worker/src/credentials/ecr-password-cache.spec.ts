import type { RegistryCredentialForUse } from '@app/db';
import type { EcrAuthorization, EcrAuthorizationRequest } from './ecr-authorization';
import { cacheTtlMs, EcrPasswordCache, EXPIRY_MARGIN_MS } from './ecr-password-cache';

const credential = (overrides: Partial<RegistryCredentialForUse> = {}): RegistryCredentialForUse => ({
  id: '6f1d3c1e-0000-4000-8000-0000000000e1',
  orgId: 'org-1',
  name: 'ecr',
  registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  kind: 'aws_ecr',
  username: null,
  awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  awsRegion: 'eu-west-1',
  awsRoleArn: null,
  awsExternalId: null,
  secretCiphertext: new Uint8Array(),
  secretVersion: 1,
  ...overrides,
});

/** A stub minter: counts mints, answers with passwords expiring `lifetimeMs` from now. */
function stubMinter(lifetimeMs: number) {
  const requests: EcrAuthorizationRequest[] = [];
  const mint = async (request: EcrAuthorizationRequest): Promise<EcrAuthorization> => {
    requests.push(request);
    return { username: 'AWS', password: `password-${requests.length}`, expiresAt: new Date(Date.now() + lifetimeMs) };
  };
  return { requests, mint };
}

describe('EcrPasswordCache', () => {
  it('mints once per credential version while the password has more than five minutes left, sharing concurrent mints', async () => {
    const minter = stubMinter(12 * 3600 * 1000);
    const cache = new EcrPasswordCache(minter.mint);
    const answers = await Promise.all([1, 2, 3].map(() => cache.credentialsFor(credential(), 'secret-key')));
    expect(answers).toEqual([1, 2, 3].map(() => ({ username: 'AWS', password: 'password-1' })));
    await expect(cache.credentialsFor(credential(), 'secret-key')).resolves.toEqual({ username: 'AWS', password: 'password-1' });
    expect(minter.requests).toEqual([
      {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'secret-key',
        region: 'eu-west-1',
        roleArn: null,
        externalId: null,
        sessionName: 'airuntime-templates-6f1d3c1e',
      },
    ]);
    // a rotated credential (new version) mints afresh
    await expect(cache.credentialsFor(credential({ secretVersion: 2 }), 'new-key')).resolves.toEqual({ username: 'AWS', password: 'password-2' });
    expect(minter.requests[1].secretAccessKey).toBe('new-key');
  });

  it('mints again for every use when the password expires within five minutes', async () => {
    const minter = stubMinter(EXPIRY_MARGIN_MS - 60_000);
    const cache = new EcrPasswordCache(minter.mint);
    await cache.credentialsFor(credential(), 'k');
    await cache.credentialsFor(credential(), 'k');
    expect(minter.requests).toHaveLength(2);
  });

  it('does not cache a failed mint', async () => {
    let calls = 0;
    const cache = new EcrPasswordCache(async () => {
      calls++;
      if (calls === 1) throw new Error('throttled');
      return { username: 'AWS', password: 'ok', expiresAt: null };
    });
    await expect(cache.credentialsFor(credential(), 'k')).rejects.toThrow('throttled');
    await expect(cache.credentialsFor(credential(), 'k')).resolves.toEqual({ username: 'AWS', password: 'ok' });
  });

  it('keeps a password until five minutes before its expiry', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(cacheTtlMs(new Date(now + 12 * 3600_000), now)).toBe(12 * 3600_000 - EXPIRY_MARGIN_MS);
    expect(cacheTtlMs(new Date(now + 60_000), now)).toBe(0);
    expect(cacheTtlMs(null, now)).toBe(3600_000);
  });
});
