/**
 * Pushes test images through the registry HTTP API (no Docker daemon, no skopeo), answering the
 * registry's Basic or Bearer challenge itself.
 */
import * as https from 'node:https';
import type { RegistryCredentials } from '../services/registry';
import { TestHttpResponse, basicAuthorization, httpsRequest, parseAuthenticateHeader } from '../services/https-request';
import { Blob, buildImage, sha256 } from './build-image';
import type { ImageDescription } from './image-description';
import type { ImageSpec } from './image-spec';
import { STANDARD_IMAGE_SPECS, StandardImageName, StandardImages } from './standard-images';

/** What pushImage needs to reach a registry. */
export interface RegistryTarget {
  /** `https://127.0.0.1:PORT` */
  url: string;
  caFile: string;
  /** Basic credentials (basic registry) or the token issuer user with push (token registry). */
  credentials?: RegistryCredentials;
}

/** Pushes all standard images (in parallel) and returns their descriptions. */
export async function pushStandardImages(registry: RegistryTarget): Promise<StandardImages> {
  const names = Object.keys(STANDARD_IMAGE_SPECS) as StandardImageName[];
  const pushed = await withPushSession(registry, (session) =>
    Promise.all(names.map((name) => session.pushImage(STANDARD_IMAGE_SPECS[name]))),
  );
  return Object.fromEntries(names.map((name, i) => [name, pushed[i]])) as StandardImages;
}

/** Builds and pushes one image (manifest children first, then the root under its tag). */
export function pushImage(registry: RegistryTarget, spec: ImageSpec): Promise<ImageDescription> {
  return withPushSession(registry, (session) => session.pushImage(spec));
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
