/**
 * The images of `npm start`'s demo registry: built in memory and pushed by test/support's image
 * builder, the signed one signed as cosign lays signatures out (test/support/cosign-signer.ts).
 * Each shows one outcome of a validation (see the banner in scripts/start.sh and README "Try it").
 */
import { pushCosignSignatures, TestKeyPair } from '../test/support/cosign-signer';
import type { ImageDescription } from '../test/support/images/image-description';
import type { ImageSpec } from '../test/support/images/image-spec';
import { pushImage, RegistryTarget } from '../test/support/images/push-image';

const PATH = 'PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const note = (text: string) => ({ files: { 'opt/demo/README.txt': `${text}\n` } });

export const DEMO_IMAGE_SPECS = {
  /** linux/amd64, Jupyter (8888) and SSH (22): validates, with the apps jupyter and ssh. */
  jupyter: {
    kind: 'image',
    repository: 'demo/jupyter-ssh',
    tag: '1.0',
    exposedPorts: ['8888/tcp', '22/tcp'],
    env: [PATH, 'CUDA_VERSION=12.4.1'],
    cmd: ['jupyter', 'lab', '--ip=0.0.0.0', '--no-browser'],
    workingDir: '/workspace',
    layers: [note('A demo image: Jupyter on 8888, SSH on 22.')],
  },
  /** An index with linux/arm64 only: fails with platform_unsupported. */
  arm64Only: {
    kind: 'index',
    repository: 'demo/arm64-only',
    tag: '1.0',
    images: [
      {
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        exposedPorts: ['8888/tcp'],
        layers: [note('A demo image built for linux/arm64 only.')],
      },
    ],
  },
  /** linux/amd64, a Gradio UI (7860), signed by the demo key: passes a policy that requires it. */
  signed: {
    kind: 'image',
    repository: 'demo/signed',
    tag: '1.0',
    exposedPorts: ['7860/tcp'],
    env: [PATH, 'CUDA_VERSION=12.4.1'],
    cmd: ['python3', 'app.py'],
    layers: [note('A demo image signed with the demo key.')],
  },
} satisfies Record<string, ImageSpec>;

export type DemoImageName = keyof typeof DEMO_IMAGE_SPECS;

/** Pushes every demo image and signs the signed one with `key` (as `cosign sign --key`). */
export async function pushDemoImages(registry: RegistryTarget & { host: string }, key: TestKeyPair): Promise<Record<DemoImageName, ImageDescription>> {
  const names = Object.keys(DEMO_IMAGE_SPECS) as DemoImageName[];
  const pushed = await Promise.all(names.map((name) => pushImage(registry, DEMO_IMAGE_SPECS[name])));
  const images = Object.fromEntries(names.map((name, i) => [name, pushed[i]])) as Record<DemoImageName, ImageDescription>;
  await pushCosignSignatures(registry, images.signed.repository, images.signed.digest, [{ key }]);
  return images;
}

/** The image policy that trusts the demo key and requires a signature: the body of `PUT …/image-policy`. */
export function demoImagePolicy(key: TestKeyPair): { require_signature: boolean; trusted_keys: { name: string; public_key: string }[] } {
  return { require_signature: true, trusted_keys: [{ name: 'demo', public_key: key.publicKeyPem }] };
}
