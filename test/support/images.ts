/**
 * Builds test images in memory (real gzip'd tar layers, OCI or Docker schema2 manifests, OCI
 * indexes with buildx-style attestation entries, Docker manifest lists) and pushes them through
 * the registry HTTP API: no Docker daemon, no skopeo.
 *
 * Everything is deterministic (fixed timestamps, no random content), so a spec always yields
 * the same digests on one machine; tests should still take expected values from the returned
 * descriptions (or `describeImage`) rather than hard-code digests.
 */
import { createHash } from 'node:crypto';
import * as https from 'node:https';
import { gzipSync } from 'node:zlib';
import { RegistryCredentials } from './registry';
import { TestHttpResponse, basicAuthorization, httpsRequest, parseAuthenticateHeader } from './https-request';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

export type ImageFormat = 'oci' | 'docker';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** One layer: a tar of these files (paths relative to /), gzip-compressed. */
export interface LayerSpec {
  files: Record<string, string>;
}

export interface PlatformImageSpec {
  /** Default linux/amd64. */
  platform?: Platform;
  /** e.g. ['8888/tcp', '9000/udp'] → config.ExposedPorts */
  exposedPorts?: string[];
  env?: string[];
  labels?: Record<string, string>;
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  /** Default: one small layer. */
  layers?: LayerSpec[];
}

export interface SingleImageSpec extends PlatformImageSpec {
  kind: 'image';
  repository: string;
  tag: string;
  /** Default 'oci'. 'docker' writes a Docker schema2 manifest. */
  format?: ImageFormat;
}

export interface IndexImageSpec {
  kind: 'index';
  repository: string;
  tag: string;
  /** 'oci' → OCI image index; 'docker' → Docker manifest list. Default 'oci'. */
  format?: ImageFormat;
  images: PlatformImageSpec[];
  /** OCI only: add a buildx-style attestation manifest (platform unknown/unknown) per image. */
  attestations?: boolean;
}

export type ImageSpec = SingleImageSpec | IndexImageSpec;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface PlatformImageDescription extends Descriptor {
  platform: Platform;
  config: Descriptor;
  layers: Descriptor[];
  /** config.size + the compressed layer sizes (what a pull downloads besides the manifest). */
  totalSize: number;
  /** As written to config.config. */
  exposedPorts: string[];
  env: string[];
  labels: Record<string, string>;
}

export interface AttestationDescription extends Descriptor {
  platform: { os: 'unknown'; architecture: 'unknown' };
  annotations: Record<string, string>;
  /** Digest of the platform image this attestation refers to. */
  refersTo: string;
}

/** JSON-serialisable description of a pushed (or merely built) image. */
export interface ImageDescription extends Descriptor {
  kind: 'image' | 'index';
  repository: string;
  tag: string;
  /** `repository:tag` (prefix with a registry host: see `imageReference`). */
  reference: string;
  format: ImageFormat;
  /** kind 'image': the image itself (one entry); kind 'index': the platform images, in order. */
  images: PlatformImageDescription[];
  /** kind 'index' with attestations: the attestation manifests, in index order after the images. */
  attestations: AttestationDescription[];
  /** kind 'image' only: same as images[0].platform / .config / .totalSize. */
  platform?: Platform;
  config?: Descriptor;
  totalSize?: number;
}

/** What pushImage needs to reach a registry. */
export interface RegistryTarget {
  /** `https://127.0.0.1:PORT` */
  url: string;
  caFile: string;
  /** Basic credentials (basic registry) or the token issuer user with push (token registry). */
  credentials?: RegistryCredentials;
}

interface Blob extends Descriptor {
  bytes: Buffer;
}

export interface BuiltImage {
  description: ImageDescription;
  blobs: Blob[];
  /** Child manifests first; the last entry is the root, pushed under the tag. */
  manifests: Blob[];
}

// ---------------------------------------------------------------------------------------------
// The standard images every environment registry holds.

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

/** Pushes all standard images (in parallel) and returns their descriptions. */
export async function pushStandardImages(registry: RegistryTarget): Promise<StandardImages> {
  const names = Object.keys(STANDARD_IMAGE_SPECS) as StandardImageName[];
  const pushed = await withPushSession(registry, (session) =>
    Promise.all(names.map((name) => session.pushImage(STANDARD_IMAGE_SPECS[name]))),
  );
  return Object.fromEntries(names.map((name, i) => [name, pushed[i]])) as StandardImages;
}

// ---------------------------------------------------------------------------------------------
// Public helpers for suites.

/** Builds and pushes one image (manifest children first, then the root under its tag). */
export function pushImage(registry: RegistryTarget, spec: ImageSpec): Promise<ImageDescription> {
  return withPushSession(registry, (session) => session.pushImage(spec));
}

/** The description `pushImage` would return, without pushing (expected values for asserts). */
export function describeImage(spec: ImageSpec): ImageDescription {
  return buildImage(spec).description;
}

/** `127.0.0.1:PORT/gpu/cuda-app:1.0`, or `…@sha256:…` with `{ byDigest: true }`. */
export function imageReference(
  registry: { host: string },
  image: ImageDescription,
  options: { byDigest?: boolean } = {},
): string {
  return options.byDigest
    ? `${registry.host}/${image.repository}@${image.digest}`
    : `${registry.host}/${image.reference}`;
}

/** The platform image of an index (or the single image) matching `os/arch[/variant]`. */
export function platformImage(image: ImageDescription, platform: string): PlatformImageDescription | undefined {
  return image.images.find((entry) => platformString(entry.platform) === platform ||
    (!platform.split('/')[2] && `${entry.platform.os}/${entry.platform.architecture}` === platform));
}

/** Uploads one blob (monolithic upload) and returns its digest. */
export async function pushBlob(registry: RegistryTarget, repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const blob = { mediaType: 'application/octet-stream', digest, size: bytes.length, bytes };
  await withPushSession(registry, (session) => session.pushBlob(repository, blob));
  return digest;
}

/**
 * PUTs raw manifest bytes (for malformed or unusual manifests a suite crafts itself) and
 * returns the digest the registry reports. Throws on a non-201 answer.
 */
export async function pushManifest(
  registry: RegistryTarget,
  repository: string,
  reference: string,
  mediaType: string,
  bytes: Buffer,
): Promise<string> {
  return withPushSession(registry, (session) => session.pushManifest(repository, reference, mediaType, bytes));
}

// ---------------------------------------------------------------------------------------------
// Building.

export function buildImage(spec: ImageSpec): BuiltImage {
  const format = spec.format ?? 'oci';
  const blobs = new Map<string, Blob>();
  const manifests: Blob[] = [];
  const base = { repository: spec.repository, tag: spec.tag, reference: `${spec.repository}:${spec.tag}`, format };

  if (spec.kind === 'image') {
    const image = buildPlatformImage(spec, format, blobs);
    manifests.push(image.manifest);
    return {
      description: {
        ...base,
        kind: 'image',
        mediaType: image.description.mediaType,
        digest: image.description.digest,
        size: image.description.size,
        images: [image.description],
        attestations: [],
        platform: image.description.platform,
        config: image.description.config,
        totalSize: image.description.totalSize,
      },
      blobs: [...blobs.values()],
      manifests,
    };
  }

  if (spec.attestations && format !== 'oci') throw new Error('attestation manifests need format "oci"');
  const images = spec.images.map((imageSpec) => buildPlatformImage(imageSpec, format, blobs));
  manifests.push(...images.map((image) => image.manifest));
  const attestations = spec.attestations
    ? images.map((image) => buildAttestation(spec, image.description, blobs))
    : [];
  manifests.push(...attestations.map((attestation) => attestation.manifest));

  const indexMediaType = format === 'oci' ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerManifestList;
  const index = {
    schemaVersion: 2,
    mediaType: indexMediaType,
    manifests: [
      ...images.map(({ description }) => ({
        mediaType: description.mediaType,
        digest: description.digest,
        size: description.size,
        platform: description.platform,
      })),
      ...attestations.map(({ description }) => ({
        mediaType: description.mediaType,
        digest: description.digest,
        size: description.size,
        annotations: description.annotations,
        platform: description.platform,
      })),
    ],
  };
  const indexBlob = jsonBlob(indexMediaType, index);
  manifests.push(indexBlob);
  return {
    description: {
      ...base,
      kind: 'index',
      mediaType: indexMediaType,
      digest: indexBlob.digest,
      size: indexBlob.size,
      images: images.map((image) => image.description),
      attestations: attestations.map((attestation) => attestation.description),
    },
    blobs: [...blobs.values()],
    manifests,
  };
}

const CREATED = '2024-01-01T00:00:00Z';

function buildPlatformImage(
  spec: PlatformImageSpec,
  format: ImageFormat,
  blobs: Map<string, Blob>,
): { description: PlatformImageDescription; manifest: Blob } {
  const platform = spec.platform ?? AMD64;
  const layerSpecs = spec.layers ?? [{ files: { 'hello.txt': 'hello\n' } }];
  const layerMediaType = format === 'oci' ? MEDIA_TYPES.ociLayer : MEDIA_TYPES.dockerLayer;
  const layers = layerSpecs.map((layerSpec) => {
    const tar = tarArchive(layerSpec.files);
    const blob = rawBlob(layerMediaType, gzipSync(tar, { level: 9 }));
    blobs.set(blob.digest, blob);
    return { blob, diffId: sha256(tar) };
  });
  const exposedPorts = spec.exposedPorts ?? [];
  const env = spec.env ?? [];
  const labels = spec.labels ?? {};
  const containerConfig: Record<string, unknown> = { Env: env };
  if (exposedPorts.length) containerConfig.ExposedPorts = Object.fromEntries(exposedPorts.map((port) => [port, {}]));
  if (spec.entrypoint) containerConfig.Entrypoint = spec.entrypoint;
  if (spec.cmd) containerConfig.Cmd = spec.cmd;
  if (spec.workingDir) containerConfig.WorkingDir = spec.workingDir;
  if (spec.user) containerConfig.User = spec.user;
  if (Object.keys(labels).length) containerConfig.Labels = labels;
  const config = jsonBlob(format === 'oci' ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig, {
    created: CREATED,
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    os: platform.os,
    config: containerConfig,
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map((_, i) => ({ created: CREATED, created_by: `test layer ${i + 1}` })),
  });
  blobs.set(config.digest, config);

  const manifestMediaType = format === 'oci' ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
  const manifest = jsonBlob(manifestMediaType, {
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: descriptor(config),
    layers: layers.map((layer) => descriptor(layer.blob)),
  });
  return {
    manifest,
    description: {
      ...descriptor(manifest),
      platform,
      config: descriptor(config),
      layers: layers.map((layer) => descriptor(layer.blob)),
      totalSize: config.size + layers.reduce((sum, layer) => sum + layer.blob.size, 0),
      exposedPorts,
      env,
      labels,
    },
  };
}

/** A buildx-style SBOM attestation manifest for one platform image. */
function buildAttestation(
  spec: IndexImageSpec,
  image: PlatformImageDescription,
  blobs: Map<string, Blob>,
): { description: AttestationDescription; manifest: Blob } {
  const platform = encodeURIComponent(platformString(image.platform));
  const statement = rawBlob(
    MEDIA_TYPES.inToto,
    Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://spdx.dev/Document',
        subject: [{ name: `pkg:docker/${spec.repository}@${spec.tag}?platform=${platform}`, digest: { sha256: image.digest.slice(7) } }],
        predicate: { spdxVersion: 'SPDX-2.3', name: 'sbom', packages: [] },
      }),
    ),
  );
  blobs.set(statement.digest, statement);
  const config = jsonBlob(MEDIA_TYPES.ociConfig, {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: [statement.digest] },
  });
  blobs.set(config.digest, config);
  const manifest = jsonBlob(MEDIA_TYPES.ociManifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: descriptor(config),
    layers: [{ ...descriptor(statement), annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } }],
  });
  return {
    manifest,
    description: {
      ...descriptor(manifest),
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': image.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      refersTo: image.digest,
    },
  };
}

function platformString(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

function descriptor(blob: Descriptor): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

function jsonBlob(mediaType: string, value: unknown): Blob {
  return rawBlob(mediaType, Buffer.from(JSON.stringify(value)));
}

function rawBlob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const TAR_MTIME = 1704067200; // 2024-01-01T00:00:00Z

/** A ustar archive of the files, with an entry for each parent directory. */
export function tarArchive(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const directories = new Set<string>();
  for (const [name, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const segments = name.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`;
      if (!directories.has(dir)) {
        directories.add(dir);
        parts.push(tarHeader(dir, 0, '5', 0o755));
      }
    }
    const data = Buffer.from(content, 'utf8');
    parts.push(tarHeader(name, data.length, '0', 0o644), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function tarHeader(name: string, size: number, type: '0' | '5', mode: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(512);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  header.write(name, 0, 100, 'utf8');
  header.write(octal(mode, 8), 100, 8, 'latin1');
  header.write(octal(0, 8), 108, 8, 'latin1');
  header.write(octal(0, 8), 116, 8, 'latin1');
  header.write(octal(size, 12), 124, 12, 'latin1');
  header.write(octal(TAR_MTIME, 12), 136, 12, 'latin1');
  header.write('        ', 148, 8, 'latin1');
  header.write(type, 156, 1, 'latin1');
  header.write('ustar\0', 257, 6, 'latin1');
  header.write('00', 263, 2, 'latin1');
  header.write('root', 265, 32, 'latin1');
  header.write('root', 297, 32, 'latin1');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return header;
}

// ---------------------------------------------------------------------------------------------
// Pushing.

/**
 * A minimal push client: answers the registry's 401 challenge with Basic credentials, or with a
 * Bearer token fetched from the challenge's realm for `repository:NAME:pull,push`.
 */
async function withPushSession<T>(
  registry: RegistryTarget,
  use: (session: RegistryPushSession) => Promise<T>,
): Promise<T> {
  // Keep-alive connections for the burst of uploads; destroyed so no socket outlives the push.
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    return await use(new RegistryPushSession(registry, agent));
  } finally {
    agent.destroy();
  }
}

class RegistryPushSession {
  private basic = false;
  private readonly tokens = new Map<string, string>();
  /** One authentication per repository even when parallel uploads all hit the 401. */
  private readonly authenticating = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: RegistryTarget,
    private readonly agent: https.Agent,
  ) {}

  async pushImage(spec: ImageSpec): Promise<ImageDescription> {
    const built = buildImage(spec);
    await Promise.all(built.blobs.map((blob) => this.pushBlob(spec.repository, blob)));
    for (const [i, manifest] of built.manifests.entries()) {
      const isRoot = i === built.manifests.length - 1;
      await this.pushManifest(spec.repository, isRoot ? spec.tag : manifest.digest, manifest.mediaType, manifest.bytes);
    }
    return built.description;
  }

  /** Monolithic upload (POST, then PUT with the digest); re-uploading an existing blob is harmless. */
  async pushBlob(repository: string, blob: Blob): Promise<void> {
    const started = await this.request(repository, 'POST', `/v2/${repository}/blobs/uploads/`);
    if (started.status !== 202 || typeof started.headers.location !== 'string') {
      throw pushError('start blob upload', repository, started);
    }
    const location = new URL(started.headers.location, this.registry.url);
    location.searchParams.set('digest', blob.digest);
    const done = await this.request(repository, 'PUT', location.pathname + location.search, {
      headers: { 'content-type': 'application/octet-stream' },
      body: blob.bytes,
    });
    if (done.status !== 201) throw pushError(`upload blob ${blob.digest}`, repository, done);
  }

  async pushManifest(repository: string, reference: string, mediaType: string, bytes: Buffer): Promise<string> {
    const response = await this.request(repository, 'PUT', `/v2/${repository}/manifests/${reference}`, {
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    if (response.status !== 201) throw pushError(`put manifest ${reference}`, repository, response);
    const digest = String(response.headers['docker-content-digest'] ?? '');
    if (digest !== sha256(bytes)) {
      throw new Error(`registry stored ${repository}:${reference} as ${digest}, expected ${sha256(bytes)}`);
    }
    return digest;
  }

  private async request(
    repository: string,
    method: string,
    pathAndQuery: string,
    options: { headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<TestHttpResponse> {
    const send = () =>
      httpsRequest(new URL(pathAndQuery, this.registry.url), {
        method,
        caFile: this.registry.caFile,
        headers: { ...options.headers, ...this.authorization(repository) },
        body: options.body,
        agent: this.agent,
      });
    const first = await send();
    if (first.status !== 401) return first;
    let authentication = this.authenticating.get(repository);
    if (!authentication) {
      authentication = this.authenticate(repository, String(first.headers['www-authenticate'] ?? ''));
      this.authenticating.set(repository, authentication);
      // A failed attempt must not be reused by later requests.
      authentication.catch(() => this.authenticating.delete(repository));
    }
    await authentication;
    return send();
  }

  private authorization(repository: string): Record<string, string> {
    const credentials = this.registry.credentials;
    const token = this.tokens.get(repository);
    if (token) return { authorization: `Bearer ${token}` };
    if (this.basic && credentials) return { authorization: basicAuthorization(credentials.username, credentials.password) };
    return {};
  }

  private async authenticate(repository: string, challenge: string): Promise<void> {
    const { scheme, params } = parseAuthenticateHeader(challenge);
    const credentials = this.registry.credentials;
    if (scheme === 'basic') {
      if (!credentials) throw new Error(`registry ${this.registry.url} wants Basic credentials; none given`);
      this.basic = true;
      return;
    }
    if (scheme !== 'bearer' || !params.realm) throw new Error(`unsupported registry challenge: ${challenge}`);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', `repository:${repository}:pull,push`);
    const response = await httpsRequest(url, {
      caFile: this.registry.caFile,
      headers: credentials ? { authorization: basicAuthorization(credentials.username, credentials.password) } : {},
    });
    if (response.status !== 200) throw pushError('fetch push token', repository, response);
    const body = response.json<{ token?: string; access_token?: string }>();
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token endpoint ${params.realm} returned no token`);
    this.tokens.set(repository, token);
  }
}

function pushError(step: string, repository: string, response: TestHttpResponse): Error {
  return new Error(`push ${repository}: ${step} failed with HTTP ${response.status}: ${response.text().slice(0, 500)}`);
}
