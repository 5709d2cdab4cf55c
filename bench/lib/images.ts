/**
 * Images for the validation workloads: one per template, each in a repository of its own on
 * the token-auth registry, with its own config, manifest and cosign signature. Nothing a validation fetches
 * for one template (token scope, manifest, config) can be served from a cache filled by
 * another, so the figures are what a worker meets with an org's many different images.
 */
import { generateTestKeyPair, pushCosignSignatures } from '../../test/support/cosign-signer';
import { RegistryTarget, pushImage } from '../../test/support/images/push-image';
import { TestEnvironmentDescription, registryTarget } from '../../test/support/environment';
import { mapConcurrently } from './context';

export interface BenchImages {
  /** `127.0.0.1:PORT/gpu/bench-N:v1`, one per template. */
  refs: string[];
  /**
   * An image of its own for warming a fresh worker up (code, connections) before a measurement:
   * nothing it leaves in the worker's caches serves any of `refs`.
   */
  warmUp: string;
  /** Manifest digest of each ref (skopeo's answer is checked against it). */
  digests: string[];
  /** The token issuer's `reader` user: pull on gpu/*. */
  reader: { username: string; password: string };
  registryHost: string;
  /**
   * Every image is signed (as `cosign sign --key` leaves it: a `.sig` tag) by one ECDSA P-256
   * key; this policy (`PUT …/image-policy`) requires that signature.
   */
  signaturePolicy: { require_signature: boolean; trusted_keys: { name: string; public_key: string }[] };
}

export async function pushBenchImages(env: TestEnvironmentDescription, count: number): Promise<BenchImages> {
  const registry = env.registries.token;
  const target: RegistryTarget = registryTarget(registry);
  const pushed = await mapConcurrently([...Array(count + 1).keys()], 16, (index) =>
    pushImage(target, {
      kind: 'image',
      repository: index === count ? 'gpu/bench-warm-up' : `gpu/bench-${index}`,
      tag: 'v1',
      exposedPorts: ['8888/tcp', '22/tcp'],
      env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'CUDA_VERSION=12.4.1'],
      labels: { 'bench.index': String(index) },
      layers: [{ files: { 'opt/bench/app.py': 'print("benchmark")\n' } }],
    }),
  );
  const key = generateTestKeyPair('ecdsa-p256');
  await mapConcurrently(pushed, 16, (image) => pushCosignSignatures({ ...target, host: registry.host }, image.repository, image.digest, [{ key }]));
  const reader = registry.users.reader;
  const refs = pushed.map((image) => `${registry.host}/${image.reference}`);
  return {
    refs: refs.slice(0, count),
    warmUp: refs[count],
    digests: pushed.slice(0, count).map((image) => image.digest),
    reader: { username: reader.username, password: reader.password },
    registryHost: registry.host,
    signaturePolicy: { require_signature: true, trusted_keys: [{ name: 'bench', public_key: key.publicKeyPem }] },
  };
}
