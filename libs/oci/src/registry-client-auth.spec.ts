import { ValidationErrorCode } from './errors';
import { basicHeader } from './testing/fake-registry';
import { expectRegistryError, fakeResolver, useFakeRegistry } from './testing/registry-client-fixture';

describe('RegistryClient: registry authentication', () => {
  const fixture = useFakeRegistry();
  const { clientFor, ref, track } = fixture;

  describe('basic auth', () => {
    beforeEach(() => {
      fixture.registry.auth = { kind: 'basic', username: 'alice', password: 'correct-horse' };
      fixture.registry.addImage('org/private', '1');
    });

    it('sends the credentials to the registry', async () => {
      await fixture.client.validateImage(ref('org/private:1'), { username: 'alice', password: 'correct-horse' });
      const manifestRequests = fixture.registry.server.requestsTo('/v2/org/private/manifests/');
      expect(manifestRequests.every((r) => r.authorization === basicHeader('alice', 'correct-horse'))).toBe(true);
    });

    it('reports wrong credentials as invalid_credentials without echoing the password', async () => {
      const error = await expectRegistryError(
        fixture.client.validateImage(ref('org/private:1'), { username: 'alice', password: 'wrong-password' }),
        { code: ValidationErrorCode.InvalidCredentials, retryable: false },
      );
      expect(error.message).not.toContain('wrong-password');
    });

    it('never serves cached content to a caller the registry refuses', async () => {
      const image = fixture.registry.addImage('org/private', '2');
      await fixture.client.validateImage(ref(`org/private@${image.manifestDigest}`), { username: 'alice', password: 'correct-horse' });
      await expectRegistryError(
        fixture.client.validateImage(ref(`org/private@${image.manifestDigest}`), { username: 'mallory', password: 'guess' }),
        { code: ValidationErrorCode.InvalidCredentials },
      );
      await expectRegistryError(fixture.client.validateImage(ref(`org/private@${image.manifestDigest}`)), { code: ValidationErrorCode.AccessDenied });
    });

    it('reports missing credentials as access_denied', async () => {
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/private:1')), { code: ValidationErrorCode.AccessDenied });
      expect(error.message).toMatch(/requires credentials/);
    });
  });

  describe('bearer token auth', () => {
    beforeEach(() => {
      fixture.registry.auth = { kind: 'bearer', username: 'bob', password: 'tok3n-secret' };
      fixture.registry.addImage('org/app', '1');
      fixture.registry.addImage('org/other', '1');
    });

    it('fetches a token with Basic credentials, service and pull scope', async () => {
      await fixture.client.validateImage(ref('org/app:1'), { username: 'bob', password: 'tok3n-secret' });
      const [tokenRequest] = fixture.registry.tokenRequests;
      const query = new URL(tokenRequest.path, 'http://x').searchParams;
      expect(query.get('service')).toBe('fake-registry');
      expect(query.get('scope')).toBe('repository:org/app:pull');
      expect(tokenRequest.authorization).toBe(basicHeader('bob', 'tok3n-secret'));
      const manifestRequests = fixture.registry.server.requestsTo('/v2/org/app/');
      expect(manifestRequests.every((r) => r.authorization?.startsWith('Bearer token-'))).toBe(true);
    });

    it('reuses the cached token for the same repository and credentials', async () => {
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      await fixture.client.validateImage(ref('org/app:1'), credentials);
      await fixture.client.validateImage(ref('org/app:1'), credentials);
      expect(fixture.registry.tokenRequests).toHaveLength(1);
    });

    it('shares one token request among concurrent validations', async () => {
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      const reports = await Promise.all(Array.from({ length: 8 }, () => fixture.client.validateImage(ref('org/app:1'), credentials)));
      expect(reports).toHaveLength(8);
      expect(fixture.registry.tokenRequests).toHaveLength(1);
    });

    it('keeps tokens apart per repository and per credentials', async () => {
      await fixture.client.validateImage(ref('org/app:1'), { username: 'bob', password: 'tok3n-secret' });
      await fixture.client.validateImage(ref('org/other:1'), { username: 'bob', password: 'tok3n-secret' });
      fixture.registry.publicRepositories.add('org/app');
      await fixture.client.validateImage(ref('org/app:1'));
      expect(fixture.registry.tokenRequests).toHaveLength(3);
    });

    it('fetches a new token once the cached one expires', async () => {
      let now = Date.parse('2025-01-01T00:00:00Z');
      fixture.registry.auth = { kind: 'bearer', username: 'bob', password: 'tok3n-secret', expiresIn: 300 };
      const timed = clientFor([fixture.registry.server.host], { clock: () => now });
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      await timed.validateImage(ref('org/app:1'), credentials);
      now += 280_000; // still inside expires_in minus the safety margin
      await timed.validateImage(ref('org/app:1'), credentials);
      expect(fixture.registry.tokenRequests).toHaveLength(1);
      now += 15_000; // within the margin: refresh
      await timed.validateImage(ref('org/app:1'), credentials);
      expect(fixture.registry.tokenRequests).toHaveLength(2);
    });

    it('refreshes a cached token the registry no longer accepts', async () => {
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      await fixture.client.validateImage(ref('org/app:1'), credentials);
      fixture.registry.revokeTokens();
      await fixture.client.validateImage(ref('org/app:1'), credentials);
      expect(fixture.registry.tokenRequests).toHaveLength(2);
    });

    it('pulls public repositories anonymously', async () => {
      fixture.registry.publicRepositories.add('org/app');
      await fixture.client.validateImage(ref('org/app:1'));
      expect(fixture.registry.tokenRequests[0].authorization).toBeUndefined();
    });

    it('reports credentials refused by the token service as invalid_credentials', async () => {
      const error = await expectRegistryError(
        fixture.client.validateImage(ref('org/app:1'), { username: 'bob', password: 'not-the-token' }),
        { code: ValidationErrorCode.InvalidCredentials, retryable: false },
      );
      expect(error.message).not.toContain('not-the-token');
    });

    it('reports a private repository without credentials as access_denied', async () => {
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.AccessDenied, retryable: false });
    });

    it('reports a repository the accepted token does not cover as access_denied', async () => {
      fixture.registry.override('/v2/org/app/manifests/', (_req, res) => {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${fixture.registry.server.host}/token",service="fake-registry"` });
        res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }));
      });
      const error = await expectRegistryError(
        fixture.client.validateImage(ref('org/app:1'), { username: 'bob', password: 'tok3n-secret' }),
        { code: ValidationErrorCode.AccessDenied },
      );
      expect(error.message).toContain('requested access to the resource is denied');
    });

    it('refuses a token realm on a blocked address without connecting to it', async () => {
      const resolver = fakeResolver({ 'auth.internal.test': ['10.1.2.3'] });
      fixture.registry.auth = { kind: 'bearer', realm: 'https://auth.internal.test/token' };
      const guarded = clientFor([fixture.registry.server.host], { resolver });
      const error = await expectRegistryError(guarded.validateImage(ref('org/app:1')), {
        code: ValidationErrorCode.RegistryAddressBlocked,
        retryable: false,
      });
      expect(resolver.calls).toEqual(['auth.internal.test']);
      expect(error.message).not.toContain('10.1.2.3');
    });

    it('refuses a plain-HTTP token realm on a host not listed as insecure with insecure_realm', async () => {
      fixture.registry.auth = { kind: 'bearer', realm: 'http://auth.example.com/token' };
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), {
        code: ValidationErrorCode.InsecureRealm,
        retryable: false,
        message: expect.stringContaining('https://'),
      });
      expect(fixture.registry.tokenRequests).toHaveLength(0);
    });
  });
});
