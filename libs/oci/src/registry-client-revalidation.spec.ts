import { ValidationErrorCode } from './errors';
import { HostGate, LocalHostGate, ReleasePermit } from './host-gate';
import { sendJson } from './testing/fake-registry';
import { expectRegistryError, useFakeRegistry } from './testing/registry-client-fixture';
import { VALIDATION_BASIS_VERSION } from './validation-basis';
import { ValidationTrace } from './validation-trace';

/**
 * A re-validation runs on whichever worker takes the job: it must not depend on what this
 * process cached. Each check here uses a client of its own, as another worker would.
 */
describe('RegistryClient: re-validation against the stored report', () => {
  const fixture = useFakeRegistry();
  const { ref } = fixture;
  const otherWorker = (overrides = {}) => fixture.clientFor([fixture.registry.server.host], overrides);

  it('costs one manifest HEAD and the blob HEADs when the digest did not change, and reuses the report', async () => {
    const image = fixture.registry.addImage('org/app', '1.0', { layerSizes: [10, 20, 30], env: ['CUDA_VERSION=12.2.0'] });
    const first = await fixture.client.checkImage(ref('org/app:1.0'));

    const trace = new ValidationTrace();
    const before = fixture.registry.requestLines.length;
    const again = await otherWorker().checkImage(ref('org/app:1.0'), { previous: first, trace });

    expect(again.report).toEqual(first.report);
    expect(again.basis).toEqual(first.basis);
    expect(trace.previousStillCurrent).toBe(true);
    const lines = fixture.registry.requestLines.slice(before);
    expect(lines.filter((line) => line.startsWith('GET ') && line !== 'GET /v2/')).toEqual([]);
    expect(lines.sort()).toEqual(
      [
        'GET /v2/',
        'HEAD /v2/org/app/manifests/1.0',
        `HEAD /v2/org/app/blobs/${image.configDigest}`,
        ...image.layerDigests.map((digest) => `HEAD /v2/org/app/blobs/${digest}`),
      ].sort(),
    );
    expect(trace.requests()).toEqual(
      expect.arrayContaining([
        { method: 'GET', kind: 'ping', count: 1 },
        { method: 'HEAD', kind: 'manifest', count: 1 },
        { method: 'HEAD', kind: 'blob', count: 4 },
      ]),
    );
    expect(trace.total()).toBe(6);
  });

  it('reads the image in full when the tag moved, and says the previous digest is no longer current', async () => {
    fixture.registry.addImage('org/app', 'latest', { env: ['CUDA_VERSION=11.8.0'] });
    const first = await fixture.client.checkImage(ref('org/app:latest'));
    const moved = fixture.registry.addImage('org/app', 'latest', { env: ['CUDA_VERSION=12.1.0'] });

    const trace = new ValidationTrace();
    const before = fixture.registry.requestLines.length;
    const again = await otherWorker().checkImage(ref('org/app:latest'), { previous: first, trace });

    expect(again.report).toMatchObject({ resolved_digest: moved.manifestDigest, cuda_version: '12.1.0' });
    expect(again.basis.digest).toBe(moved.manifestDigest);
    expect(trace.previousStillCurrent).toBe(false);
    expect(fixture.registry.requestLines.slice(before)).toEqual(
      expect.arrayContaining(['HEAD /v2/org/app/manifests/latest', 'GET /v2/org/app/manifests/latest', `GET /v2/org/app/blobs/${moved.configDigest}`]),
    );
  });

  it('evaluates the CUDA requirement of an unchanged image against the driver of today', async () => {
    fixture.registry.addImage('org/app', '1.0', { env: ['CUDA_VERSION=12.4.1'] });
    const first = await fixture.client.checkImage(ref('org/app:1.0'));
    expect(first.report.min_driver_version).toBe('550.54.14');

    const olderFleet = otherWorker({ gpuDriverVersion: '535.54.03' });
    const trace = new ValidationTrace();
    await expectRegistryError(olderFleet.checkImage(ref('org/app:1.0'), { previous: first, trace }), { code: ValidationErrorCode.CudaUnsupported });
    expect(trace.previousStillCurrent).toBe(true);
    expect(trace.requests().filter((t) => t.method === 'GET' && t.kind !== 'ping')).toEqual([]);
  });

  it('fails with blob_missing when a layer of an unchanged image is gone', async () => {
    const image = fixture.registry.addImage('org/app', '1.0', { layerSizes: [10, 20] });
    const first = await fixture.client.checkImage(ref('org/app:1.0'));
    fixture.registry.blobs.delete(`org/app@${image.layerDigests[1]}`);

    const trace = new ValidationTrace();
    const error = await expectRegistryError(otherWorker().checkImage(ref('org/app:1.0'), { previous: first, trace }), { code: ValidationErrorCode.BlobMissing });
    expect(error.message).toContain(image.layerDigests[1]);
    expect(trace.previousStillCurrent).toBe(true);
  });

  it.each([
    ['of another version', (basis: Record<string, unknown>) => ({ ...basis, version: VALIDATION_BASIS_VERSION + 1 })],
    ['of another digest than the report', (basis: Record<string, unknown>) => ({ ...basis, digest: `sha256:${'1'.repeat(64)}` })],
    ['missing (a report stored before bases were)', () => null],
  ])('reads the image in full when the stored basis is %s', async (_case, alter) => {
    fixture.registry.addImage('org/app', '1.0');
    const first = await fixture.client.checkImage(ref('org/app:1.0'));
    const trace = new ValidationTrace();
    const before = fixture.registry.requestLines.length;
    const again = await otherWorker().checkImage(ref('org/app:1.0'), { previous: { report: first.report, basis: alter(first.basis) }, trace });

    expect(again.report).toEqual(first.report);
    expect(trace.previousStillCurrent).toBe(false);
    expect(fixture.registry.requestLines.slice(before)).toContain('GET /v2/org/app/manifests/1.0');
  });

  it('carries nothing over but the registry facts (no signatures, no drift fields)', async () => {
    fixture.registry.addImage('org/app', '1.0');
    const first = await fixture.client.checkImage(ref('org/app:1.0'));
    const stored = { ...first.report, signatures: [], previous_digest: 'sha256:x', digest_changed_at: '2026-01-01T00:00:00.000Z' };
    const again = await otherWorker().checkImage(ref('org/app:1.0'), { previous: { report: stored, basis: first.basis } });
    expect(again.report).toEqual(first.report);
  });

  it('counts a first validation by method and kind, the token request included', async () => {
    fixture.registry.auth = { kind: 'bearer' };
    const image = fixture.registry.addImage('org/app', '1.0', { layerSizes: [10, 20] });
    fixture.registry.publicRepositories.add('org/app');
    const trace = new ValidationTrace();
    await fixture.client.checkImage(ref('org/app:1.0'), { trace });

    expect(trace.previousStillCurrent).toBeUndefined();
    const counts = Object.fromEntries(trace.requests().map((t) => [`${t.method} ${t.kind}`, t.count]));
    expect(counts).toMatchObject({ 'GET ping': 1, 'GET token': 1, 'GET manifest': expect.any(Number), 'GET blob': 1, 'HEAD blob': image.layerDigests.length });
    expect(trace.total()).toBe(fixture.registry.requestLines.length);
  });
});

describe('RegistryClient: the host gate', () => {
  const fixture = useFakeRegistry();
  const { ref } = fixture;

  /** A LocalHostGate that records the hosts asked for and the most permits held at once. */
  function recordingGate(maxPerHost: number): HostGate & { hosts: string[]; mostHeld: number; pauses: Array<[string, number]> } {
    const inner = new LocalHostGate({ maxPerHost, maxWaitMs: 5_000 });
    let held = 0;
    const gate = {
      hosts: [] as string[],
      mostHeld: 0,
      pauses: [] as Array<[string, number]>,
      async acquire(host: string, signal: AbortSignal): Promise<ReleasePermit> {
        const release = await inner.acquire(host, signal);
        gate.hosts.push(host);
        gate.mostHeld = Math.max(gate.mostHeld, ++held);
        return () => {
          held--;
          release();
        };
      },
      async pause(host: string, untilMs: number): Promise<void> {
        gate.pauses.push([host, untilMs]);
        await inner.pause(host, untilMs);
      },
    };
    return gate;
  }

  it('asks for a permit for every request, and never holds more than the limit', async () => {
    const image = fixture.registry.addImage('org/app', '1.0', { layerSizes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    const gate = recordingGate(2);
    const trace = new ValidationTrace();
    await fixture.clientFor([fixture.registry.server.host], { hostGate: gate }).checkImage(ref('org/app:1.0'), { trace });

    expect(gate.hosts).toHaveLength(trace.total());
    expect(new Set(gate.hosts)).toEqual(new Set([fixture.registry.server.host]));
    expect(gate.mostHeld).toBe(2);
    expect(fixture.registry.requestLines.filter((line) => line.startsWith('HEAD /v2/org/app/blobs/'))).toHaveLength(image.layerDigests.length);
  });

  it('pauses the host on a 429 with Retry-After, and then refuses to wait longer than it may', async () => {
    fixture.registry.addImage('org/app', '1.0');
    fixture.registry.override('/v2/org/app/manifests/', (_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'Retry-After': '120' }));
    const gate = recordingGate(4);
    const client = fixture.clientFor([fixture.registry.server.host], { hostGate: gate });
    const askedAt = Date.now();
    await expectRegistryError(client.checkImage(ref('org/app:1.0')), { code: ValidationErrorCode.RateLimited, retryable: true });
    expect(gate.pauses).toEqual([[fixture.registry.server.host, expect.any(Number)]]);
    expect(gate.pauses[0][1]).toBeGreaterThanOrEqual(askedAt + 120_000);

    // Every later request to the host is held back: the next check fails before sending anything, saying for how long.
    const before = fixture.registry.requestLines.length;
    const error = await expectRegistryError(client.checkImage(ref('org/app:1.0')), { code: ValidationErrorCode.RateLimited, retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(fixture.registry.requestLines.length).toBe(before);
  });

  it('does not pause the host on a 429 without Retry-After', async () => {
    fixture.registry.addImage('org/app', '1.0');
    fixture.registry.override('/v2/org/app/manifests/', (_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }));
    const gate = recordingGate(4);
    await expectRegistryError(fixture.clientFor([fixture.registry.server.host], { hostGate: gate }).checkImage(ref('org/app:1.0')), {
      code: ValidationErrorCode.RateLimited,
    });
    expect(gate.pauses).toEqual([]);
  });
});
