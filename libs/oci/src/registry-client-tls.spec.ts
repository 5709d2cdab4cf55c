import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ValidationErrorCode } from './errors';
import { HostResolver } from './host-resolver';
import { RegistryClient } from './registry-client';
import { FakeRegistry } from './testing/fake-registry';
import { expectRegistryError, fakeResolver, useFakeRegistry } from './testing/registry-client-fixture';

describe('RegistryClient: TLS', () => {
  const fixture = useFakeRegistry();
  const { clientFor, ref, track } = fixture;

  describe('TLS', () => {
    let tlsDir: string;
    let tls: { key: string; cert: string };

    beforeAll(async () => {
      tlsDir = await mkdtemp(path.join(tmpdir(), 'oci-tls-'));
      const key = path.join(tlsDir, 'key.pem');
      const cert = path.join(tlsDir, 'cert.pem');
      await promisify(execFile)('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=registry.test',
        '-addext', 'subjectAltName=DNS:registry.test',
      ]);
      tls = { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
    });

    afterAll(async () => {
      await rm(tlsDir, { recursive: true, force: true });
    });

    async function tlsRegistry(): Promise<{ secure: FakeRegistry; host: string; resolver: HostResolver }> {
      const secure = await FakeRegistry.start(tls);
      track(secure);
      secure.addImage('org/app', '1');
      return { secure, host: `registry.test:${secure.server.port}`, resolver: fakeResolver({ 'registry.test': ['127.0.0.1'] }) };
    }

    it('verifies the certificate against the host name with the configured CA', async () => {
      const { host, resolver } = await tlsRegistry();
      const trusting = new RegistryClient({ egress: { allowedPrivateHosts: [host] }, caPem: tls.cert, resolver });
      track(trusting);
      const report = await trusting.validateImage(`${host}/org/app:1`);
      expect(report.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    });

    it('uses HTTPS for bearer realms on the registry host', async () => {
      const { secure, host, resolver } = await tlsRegistry();
      secure.auth = { kind: 'bearer', username: 'u', password: 'p', realm: `https://${host}/token` };
      const trusting = new RegistryClient({ egress: { allowedPrivateHosts: [host] }, caPem: tls.cert, resolver });
      track(trusting);
      await trusting.validateImage(`${host}/org/app:1`, { username: 'u', password: 'p' });
      expect(secure.tokenRequests).toHaveLength(1);
    });

    it('reports an untrusted certificate as a permanent tls_error', async () => {
      const { host, resolver } = await tlsRegistry();
      const strict = new RegistryClient({ egress: { allowedPrivateHosts: [host] }, resolver });
      track(strict);
      await expectRegistryError(strict.validateImage(`${host}/org/app:1`), { code: ValidationErrorCode.TlsError, retryable: false });
    });

    it('reports a certificate for another host name as tls_error', async () => {
      const { secure } = await tlsRegistry();
      const host = `other.test:${secure.server.port}`;
      const strict = new RegistryClient({
        egress: { allowedPrivateHosts: [host] },
        caPem: tls.cert,
        resolver: fakeResolver({ 'other.test': ['127.0.0.1'] }),
      });
      track(strict);
      await expectRegistryError(strict.validateImage(`${host}/org/app:1`), { code: ValidationErrorCode.TlsError });
    });

    it('reports a plain-HTTP server reached over HTTPS as tls_error', async () => {
      const strict = clientFor([], { egress: { allowedPrivateHosts: [fixture.registry.server.host] } });
      await expectRegistryError(strict.validateImage(ref('org/app:1')), { code: ValidationErrorCode.TlsError });
    });
  });
});
