import { splitRegistryHost } from './image-reference';

/**
 * The registry a registry credential is for: `host[:port]` as an image reference writes it
 * (`ghcr.io`, `nvcr.io`, `registry.example.com:5000`, `[::1]:5000`), stored in canonical form
 * so that it compares equal to `ImageReference.canonicalRegistry`.
 */

/** Docker Hub's registry as credentials name it (an image may say index.docker.io or registry-1.docker.io). */
export const DOCKER_HUB_REGISTRY = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Docker's websites, often written where the registry is meant. */
export const DOCKER_HUB_WEBSITES: ReadonlySet<string> = new Set([
  'hub.docker.com',
  'www.docker.com',
  'docker.com',
  'registry.docker.io',
  'registry.hub.docker.com',
]);

const EXAMPLE = 'e.g. "ghcr.io" or "registry.example.com:5000"';

/** The problem with a registry host; its message is the problem alone (the caller names the field). */
export class InvalidRegistryHostError extends Error {
  override readonly name = 'InvalidRegistryHostError';
}

/** Canonical `host[:port]`: lowercased, Docker Hub as docker.io. Throws InvalidRegistryHostError. */
export function parseRegistryHost(input: string): string {
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(input);
  if (scheme) {
    const rest = input.slice(scheme[0].length).split('/')[0];
    throw new InvalidRegistryHostError(`must be a host without a scheme: write "${rest}"`);
  }
  if (input.includes('@')) throw new InvalidRegistryHostError('must not contain a user name or password');
  if (input.includes('/')) {
    throw new InvalidRegistryHostError(`must be a host with an optional port, without a path (${EXAMPLE}); the path belongs to the image`);
  }
  const parts = splitRegistryHost(input);
  if ('problem' in parts) {
    if (parts.problem === 'port') throw new InvalidRegistryHostError('must have a port between 1 and 65535');
    if (parts.problem === 'ipv6') throw new InvalidRegistryHostError('is not a valid IPv6 address');
    throw new InvalidRegistryHostError(`must be a host name or address with an optional port (${EXAMPLE})`);
  }
  const host = input.toLowerCase();
  if (DOCKER_HUB_WEBSITES.has(host)) throw new InvalidRegistryHostError(`"${host}" is Docker's website, not its registry: write "docker.io"`);
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB_REGISTRY : host;
}

const ECR_HOST = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(?:\.cn)?$/;

/** The AWS region of an Amazon ECR registry host (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`), else undefined. */
export function ecrRegistryRegion(host: string): string | undefined {
  return ECR_HOST.exec(host.toLowerCase())?.[1];
}
