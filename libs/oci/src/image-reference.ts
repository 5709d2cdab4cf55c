import { isIPv6 } from 'node:net';
import { SUPPORTED_DIGEST_ALGORITHMS, SupportedDigestAlgorithm } from './digest';
import { InvalidImageReferenceError } from './errors';

/**
 * A fully qualified container image reference: `registry/repository[:tag][@digest]`.
 *
 * The grammar follows github.com/distribution/reference (regexp.go, normalize.go),
 * with product rules on top:
 * - the registry host is mandatory (no implicit Docker Hub),
 * - a tag or a digest is mandatory (no implicit `latest`),
 * - only sha256 and sha512 digests are accepted.
 */

/** Longest input we look at; checked before any regular expression runs. */
export const MAX_IMAGE_REFERENCE_LENGTH = 512;
/** distribution/reference NameTotalLengthMax, applied to the repository path. */
export const MAX_REPOSITORY_LENGTH = 255;

const DOCKER_HUB_REGISTRIES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_OFFICIAL_PREFIX = 'library/';

// distribution/reference building blocks.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const IPV6_LITERAL = '\\[[a-fA-F0-9:]+\\]';
const REGISTRY = new RegExp(`^(${DOMAIN_NAME}|${IPV6_LITERAL})(?::([0-9]+))?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;
const WHITESPACE = /\s/;

export type DigestAlgorithm = SupportedDigestAlgorithm;

export class ImageReference {
  private constructor(
    /** Registry as written by the user, e.g. `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
    readonly registry: string,
    /** Repository path without the registry, e.g. `myorg/app`. */
    readonly repository: string,
    readonly tag: string | undefined,
    /** `sha256:<64 hex>` or `sha512:<128 hex>`. */
    readonly digest: string | undefined,
    /** Registry host name; brackets stripped for IPv6 literals (`::1`). */
    readonly hostname: string,
    /** Registry port when written explicitly. */
    readonly port: number | undefined,
  ) {}

  /** Parses a user-supplied reference; throws `InvalidImageReferenceError` with a user-facing message. */
  static parse(input: string): ImageReference {
    if (typeof input !== 'string' || input.length === 0) {
      throw new InvalidImageReferenceError('Image reference is empty.');
    }
    if (input.length > MAX_IMAGE_REFERENCE_LENGTH) {
      throw new InvalidImageReferenceError(
        `Image reference is too long (${input.length} characters, at most ${MAX_IMAGE_REFERENCE_LENGTH}).`,
      );
    }
    if (WHITESPACE.test(input)) {
      throw new InvalidImageReferenceError('Image reference must not contain whitespace.');
    }
    if (SCHEME.test(input)) {
      throw new InvalidImageReferenceError(
        `Image reference must not include a URL scheme: omit the scheme and write e.g. "${input.replace(SCHEME, '')}".`,
      );
    }

    const { nameAndTag, digest } = splitDigest(input);
    const slash = nameAndTag.indexOf('/');
    if (slash === -1) {
      throw new InvalidImageReferenceError(notQualifiedMessage(input, nameAndTag));
    }
    const registry = nameAndTag.slice(0, slash);
    if (!looksLikeRegistry(registry)) {
      throw new InvalidImageReferenceError(
        `Image reference "${input}" must start with a registry host; for Docker Hub write "docker.io/${input}".`,
      );
    }
    const { hostname, port } = parseRegistry(registry);

    const { repository, tag } = splitTag(nameAndTag.slice(slash + 1));
    validateRepository(repository);
    if (tag === undefined && digest === undefined) {
      throw new InvalidImageReferenceError(
        `Image reference "${input}" must include a tag or a digest, e.g. "${input}:1.0" or "${input}@sha256:<digest>".`,
      );
    }
    return new ImageReference(registry, repository, tag, digest, hostname, port);
  }

  /** True for the Docker Hub registry under any of its names. */
  get isDockerHub(): boolean {
    return DOCKER_HUB_REGISTRIES.has(this.registry.toLowerCase());
  }

  /**
   * The registry as a registry credential names it: lowercased, Docker Hub under any of its
   * names as `docker.io`. A credential is sent only to an image whose registry equals its own.
   */
  get canonicalRegistry(): string {
    return this.isDockerHub ? 'docker.io' : this.registry.toLowerCase();
  }

  /** Host (with port when written) that serves the distribution API for this registry. */
  get apiHost(): string {
    return this.isDockerHub ? DOCKER_HUB_API_HOST : this.registry;
  }

  /** Repository name used in `/v2/<name>/…`; Docker Hub official images live under `library/`. */
  get apiRepository(): string {
    if (this.isDockerHub && !this.repository.includes('/')) {
      return DOCKER_HUB_OFFICIAL_PREFIX + this.repository;
    }
    return this.repository;
  }

  /** What goes in `/v2/<name>/manifests/<reference>`: the digest when present, else the tag. */
  get reference(): string {
    // parse() guarantees at least one of them.
    return (this.digest ?? this.tag) as string;
  }

  /** Algorithm of the digest, when the reference has one. */
  get digestAlgorithm(): DigestAlgorithm | undefined {
    return this.digest?.split(':', 1)[0] as DigestAlgorithm | undefined;
  }

  /** `registry/repository@digest`: exactly the content with that digest, whatever the tag says later. */
  pinnedTo(digest: string): string {
    return `${this.registry}/${this.repository}@${digest}`;
  }

  /** Canonical form: `registry/repository[:tag][@digest]`. */
  toString(): string {
    let out = `${this.registry}/${this.repository}`;
    if (this.tag !== undefined) out += `:${this.tag}`;
    if (this.digest !== undefined) out += `@${this.digest}`;
    return out;
  }

  toJSON(): string {
    return this.toString();
  }
}

function splitDigest(input: string): { nameAndTag: string; digest: string | undefined } {
  const at = input.indexOf('@');
  if (at === -1) return { nameAndTag: input, digest: undefined };
  if (input.indexOf('@', at + 1) !== -1) {
    throw new InvalidImageReferenceError('Image reference must contain at most one "@" (before the digest).');
  }
  const digest = input.slice(at + 1);
  validateDigest(digest);
  return { nameAndTag: input.slice(0, at), digest };
}

function validateDigest(digest: string): void {
  const colon = digest.indexOf(':');
  if (colon <= 0) {
    throw new InvalidImageReferenceError(
      `Digest "${digest}" is malformed; expected "sha256:" followed by 64 lowercase hex characters.`,
    );
  }
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!Object.hasOwn(SUPPORTED_DIGEST_ALGORITHMS, algorithm)) {
    throw new InvalidImageReferenceError(
      `Digest algorithm "${algorithm}" is not supported; use sha256 or sha512.`,
    );
  }
  const expectedLength = SUPPORTED_DIGEST_ALGORITHMS[algorithm as DigestAlgorithm];
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length !== expectedLength) {
    throw new InvalidImageReferenceError(
      `Digest "${digest}" is malformed; a ${algorithm} digest has ${expectedLength} hex characters.`,
    );
  }
  if (hex !== hex.toLowerCase()) {
    throw new InvalidImageReferenceError(`Digest "${digest}" must use lowercase hex characters.`);
  }
}

/** Message for a reference without any "/" (e.g. `ubuntu:22.04`, or a bare host). */
function notQualifiedMessage(input: string, nameAndTag: string): string {
  const colon = nameAndTag.indexOf(':');
  const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const afterColon = colon === -1 ? '' : nameAndTag.slice(colon + 1);
  const isBareHost = (name.includes('.') || name === 'localhost') && /^[0-9]*$/.test(afterColon);
  if (isBareHost) {
    return `Image reference "${input}" has no repository; write "registry/repository:tag", e.g. "${name}/myorg/app:1.0".`;
  }
  return `Image reference "${input}" must include the registry host; for a Docker Hub image write "docker.io/library/${input}".`;
}

/** distribution/reference rule: the first component is a host if it has "." or ":" or is "localhost". */
function looksLikeRegistry(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':');
}

/** Why a registry host did not parse (each caller words the message for its own field). */
export type RegistryHostProblem = 'syntax' | 'ipv6' | 'port';

/**
 * A registry host as distribution/reference writes it: a domain name or a bracketed IPv6
 * literal, with an optional port from 1 to 65535. Shared by image references and the
 * registry of a registry credential.
 */
export function splitRegistryHost(registry: string): { hostname: string; port: number | undefined } | { problem: RegistryHostProblem } {
  const match = REGISTRY.exec(registry);
  if (!match) return { problem: 'syntax' };
  const host = match[1];
  const hostname = host.startsWith('[') ? host.slice(1, -1) : host;
  if (host.startsWith('[') && !isIPv6(hostname)) return { problem: 'ipv6' };
  let port: number | undefined;
  if (match[2] !== undefined) {
    port = Number(match[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { problem: 'port' };
  }
  return { hostname, port };
}

function parseRegistry(registry: string): { hostname: string; port: number | undefined } {
  const parts = splitRegistryHost(registry);
  if (!('problem' in parts)) return parts;
  if (parts.problem === 'syntax') {
    const hint = !registry.startsWith('[') && registry.split(':').length > 2
      ? ' IPv6 addresses must be written in brackets, e.g. "[::1]:5000".'
      : '';
    throw new InvalidImageReferenceError(`Registry host "${registry}" is not a valid host name or address.${hint}`);
  }
  if (parts.problem === 'ipv6') throw new InvalidImageReferenceError(`Registry host "${registry}" is not a valid IPv6 address.`);
  throw new InvalidImageReferenceError(`Registry port in "${registry}" must be between 1 and 65535.`);
}

function splitTag(pathAndTag: string): { repository: string; tag: string | undefined } {
  const colon = pathAndTag.indexOf(':');
  if (colon === -1) return { repository: pathAndTag, tag: undefined };
  const tag = pathAndTag.slice(colon + 1);
  if (!TAG.test(tag)) {
    throw new InvalidImageReferenceError(
      `Tag "${tag}" is invalid; a tag has 1 to 128 characters from letters, digits, "_", "." and "-", and does not start with "." or "-".`,
    );
  }
  return { repository: pathAndTag.slice(0, colon), tag };
}

function validateRepository(repository: string): void {
  if (repository.length === 0) {
    throw new InvalidImageReferenceError('Image reference has no repository path after the registry host.');
  }
  if (repository.length > MAX_REPOSITORY_LENGTH) {
    throw new InvalidImageReferenceError(
      `Repository path is too long (${repository.length} characters, at most ${MAX_REPOSITORY_LENGTH}).`,
    );
  }
  if (repository !== repository.toLowerCase()) {
    throw new InvalidImageReferenceError(
      `Repository "${repository}" must be lowercase (try "${repository.toLowerCase()}").`,
    );
  }
  for (const component of repository.split('/')) {
    if (component.length === 0) {
      throw new InvalidImageReferenceError(`Repository "${repository}" has an empty path component ("//" or a trailing "/").`);
    }
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidImageReferenceError(
        `Repository path component "${component}" is invalid; use lowercase letters and digits, separated by ".", "_", "__" or "-".`,
      );
    }
  }
}
