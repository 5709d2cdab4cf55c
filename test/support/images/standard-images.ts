/** The standard images every environment registry holds (README: "Images"). */
import type { ImageDescription } from './image-description';
import type { ImageSpec, LayerSpec, Platform, SingleImageSpec } from './image-spec';

const CUDA_PATH = 'PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const PPC64LE: Platform = { os: 'linux', architecture: 'ppc64le' };

const BASE_LAYER: LayerSpec = {
  files: {
    'etc/os-release': 'NAME="Test Linux"\nID=testlinux\nVERSION_ID="1.0"\n',
    'usr/local/cuda/version.json': '{"cuda":{"name":"CUDA SDK","version":"12.4.1"}}\n',
  },
};
const appLayer = (name: string): LayerSpec => ({
  files: { [`opt/${name}/app.py`]: `print("hello from ${name}")\n` },
});

export const WEBUI_APPS_LABEL = '[{"name":"webui","port":7860,"protocol":"HTTP","isUI":true}]';

const CUDA_APP = {
  kind: 'image',
  repository: 'gpu/cuda-app',
  tag: '1.0',
  exposedPorts: ['8888/tcp', '22/tcp', '9000/udp'],
  env: [CUDA_PATH, 'CUDA_VERSION=12.4.1'],
  cmd: ['jupyter', 'lab', '--ip=0.0.0.0'],
  workingDir: '/workspace',
  layers: [BASE_LAYER, appLayer('cuda-app')],
} satisfies SingleImageSpec;

export const STANDARD_IMAGE_SPECS = {
  /** OCI, linux/amd64, ports 8888/tcp 22/tcp 9000/udp, CUDA_VERSION=12.4.1, two layers. */
  cudaApp: CUDA_APP,
  /** OCI index: linux/amd64 + linux/arm64/v8 + one attestation manifest per platform. */
  multi: {
    kind: 'index',
    repository: 'gpu/multi',
    tag: '1.0',
    attestations: true,
    images: [
      {
        platform: AMD64,
        exposedPorts: ['8888/tcp', '6006/tcp'],
        env: [CUDA_PATH, 'CUDA_VERSION=12.4.1'],
        labels: { 'test.platform': 'linux/amd64' },
        layers: [BASE_LAYER, appLayer('multi-amd64')],
      },
      {
        platform: ARM64,
        exposedPorts: ['8888/tcp'],
        env: [CUDA_PATH, 'CUDA_VERSION=12.4.1'],
        labels: { 'test.platform': 'linux/arm64/v8' },
        layers: [BASE_LAYER, appLayer('multi-arm64')],
      },
    ],
  },
  /** OCI index without linux/amd64: linux/arm64/v8 + linux/ppc64le. */
  armOnly: {
    kind: 'index',
    repository: 'gpu/arm-only',
    tag: '1.0',
    images: [
      { platform: ARM64, exposedPorts: ['8888/tcp'], layers: [appLayer('arm-only-arm64')] },
      { platform: PPC64LE, exposedPorts: ['8888/tcp'], layers: [appLayer('arm-only-ppc64le')] },
    ],
  },
  /** OCI, linux/amd64, label ai.airuntime.apps = WEBUI_APPS_LABEL, port 7860/tcp. */
  labelled: {
    kind: 'image',
    repository: 'gpu/labelled',
    tag: '1.0',
    exposedPorts: ['7860/tcp'],
    env: [CUDA_PATH],
    labels: { 'ai.airuntime.apps': WEBUI_APPS_LABEL, 'org.opencontainers.image.title': 'labelled' },
    layers: [appLayer('labelled')],
  },
  /** Docker schema2 manifest, linux/amd64, ports 8888/tcp 22/tcp. */
  dockerV2: {
    kind: 'image',
    repository: 'gpu/docker-v2',
    tag: '1.0',
    format: 'docker',
    exposedPorts: ['8888/tcp', '22/tcp'],
    env: [CUDA_PATH, 'CUDA_VERSION=11.8.0'],
    layers: [BASE_LAYER, appLayer('docker-v2')],
  },
  /** Docker manifest list: linux/amd64 + linux/arm64/v8 schema2 manifests. */
  dockerList: {
    kind: 'index',
    repository: 'gpu/docker-list',
    tag: '1.0',
    format: 'docker',
    images: [
      { platform: AMD64, exposedPorts: ['8080/tcp'], layers: [appLayer('docker-list-amd64')] },
      { platform: ARM64, exposedPorts: ['8080/tcp'], layers: [appLayer('docker-list-arm64')] },
    ],
  },
  /** Same content (and digest) as cudaApp, in public/ (anonymous pulls on the token registry). */
  publicCudaApp: { ...CUDA_APP, repository: 'public/cuda-app' },
} satisfies Record<string, ImageSpec>;

export type StandardImageName = keyof typeof STANDARD_IMAGE_SPECS;
export type StandardImages = Record<StandardImageName, ImageDescription>;
