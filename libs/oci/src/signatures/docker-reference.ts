/**
 * Compares the repository a signature names (`critical.identity.docker-reference`) with the
 * template's. Signers write it differently: cosign writes go-containerregistry's
 * `Repository.Name()` (`index.docker.io/library/ubuntu`, `ghcr.io/org/app`, no tag), containers/image
 * (skopeo, podman) the destination reference (`docker.io/library/ubuntu:22.04`), and anyone may set
 * it with `cosign sign --sign-container-identity`. Both sides are reduced to `registry/repository`:
 *
 * - a tag or digest in the signed reference is ignored (the digest is checked separately, from
 *   `critical.image.docker-manifest-digest`);
 * - the registry is compared case-insensitively, with Docker Hub's names (`docker.io`,
 *   `index.docker.io`, `registry-1.docker.io`, or none) as one, and `:443` as no port;
 * - single-name Docker Hub repositories get `library/`;
 * - other ports and hosts are compared as written: `localhost:5000` and `127.0.0.1:5000` differ,
 *   as they do for docker and cosign.
 */
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[a-f0-9:]+\])(?::[0-9]{1,5})?$/;

/** `registry/repository` in canonical form, or undefined when `reference` is not an image reference. */
export function canonicalRepository(reference: string): string | undefined {
  if (reference.length === 0 || reference.length > 512) return undefined;
  let name = reference.split('@', 1)[0];
  const lastSlash = name.lastIndexOf('/');
  const tagColon = name.indexOf(':', lastSlash + 1);
  if (tagColon !== -1) name = name.slice(0, tagColon);

  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
  let registry = hasRegistry ? first.toLowerCase() : 'docker.io';
  let repository = hasRegistry ? name.slice(slash + 1) : name;

  if (registry.endsWith(':443')) registry = registry.slice(0, -':443'.length);
  if (DOCKER_HUB_NAMES.has(registry)) {
    registry = 'docker.io';
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  if (!REGISTRY.test(registry) || !REPOSITORY.test(repository)) return undefined;
  return `${registry}/${repository}`;
}

/** The template's repository in the same canonical form. */
export function subjectRepository(subject: { readonly registry: string; readonly repository: string }): string {
  return canonicalRepository(`${subject.registry}/${subject.repository}`) ?? `${subject.registry}/${subject.repository}`;
}
