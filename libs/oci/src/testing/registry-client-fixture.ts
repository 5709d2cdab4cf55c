/// <reference types="jest" />
/**
 * Test-only: shared setup of the RegistryClient specs: a fresh FakeRegistry and a client that
 * may reach it over plain HTTP, per test; everything closed afterwards.
 */
import { RegistryError } from '../errors';
import { HostResolver } from '../host-resolver';
import { ImageReference } from '../image-reference';
import { RegistryClient, RegistryClientOptions } from '../registry-client';
import { FakeRegistry } from './fake-registry';

/** A resolver answering from a fixed table, recording the names it was asked for. */
export function fakeResolver(table: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

export async function expectRegistryError(promise: Promise<unknown>, expected: Partial<RegistryError>): Promise<RegistryError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the validation to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  expect(error).toMatchObject(expected);
  return error as RegistryError;
}

export interface RegistryFixture {
  registry: FakeRegistry;
  /** A client that may reach `registry` over plain HTTP. */
  client: RegistryClient;
  /** A client allowed to reach `hosts` (private addresses, plain HTTP), with short timeouts. */
  clientFor(hosts: string[], overrides?: Partial<RegistryClientOptions>): RegistryClient;
  /** `<registry host>/<repositoryAndTag>` */
  ref(repositoryAndTag: string): ImageReference;
  /** Closes the server after the test. */
  track(server: { close(): Promise<void> }): void;
}

/** Registers beforeEach/afterEach hooks; the returned object's registry and client are fresh per test. */
export function useFakeRegistry(): RegistryFixture {
  const clients: RegistryClient[] = [];
  const servers: Array<{ close(): Promise<void> }> = [];
  const fixture = {
    clientFor(hosts: string[], overrides: Partial<RegistryClientOptions> = {}): RegistryClient {
      const created = new RegistryClient({
        egress: { allowedPrivateHosts: hosts, insecureHosts: hosts },
        timeouts: { connectTimeoutMs: 2_000, headersTimeoutMs: 2_000, totalTimeoutMs: 10_000 },
        ...overrides,
      });
      clients.push(created);
      return created;
    },
    ref(repositoryAndTag: string): ImageReference {
      return ImageReference.parse(`${fixture.registry.server.host}/${repositoryAndTag}`);
    },
    track(server: { close(): Promise<void> }): void {
      servers.push(server);
    },
  } as RegistryFixture;

  beforeEach(async () => {
    fixture.registry = await FakeRegistry.start();
    servers.push(fixture.registry);
    fixture.client = fixture.clientFor([fixture.registry.server.host]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return fixture;
}
