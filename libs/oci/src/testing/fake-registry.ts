/**
 * Test-only: a small in-process OCI registry (distribution-spec subset) with a Docker-style
 * token service, for the RegistryClient unit specs, where a misbehaving registry is what is
 * tested (the e2e suites use Debian's docker-registry). Not exported from the library.
 */
import * as http from 'node:http';
import { MediaType } from '../media-types';
import { basicHeader, RecordedRequest, RequestHandler, sendJson, sha256, TestServer } from './test-server';

export { basicHeader, sendJson, sha256, TestServer } from './test-server';
export type { RecordedRequest, RequestHandler } from './test-server';

interface StoredContent {
  readonly body: Buffer;
  readonly mediaType: string;
}

export interface LayerSpec {
  size: number;
  mediaType?: string;
  annotations?: Record<string, string>;
  /** The layer is named by the manifest but was never uploaded. */
  missing?: boolean;
}

export interface ImageSpec {
  os?: string;
  architecture?: string;
  env?: string[];
  exposedPorts?: string[];
  labels?: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  user?: string;
  /** Sizes of the layers (default [1000, 2500]), or their full specs. */
  layerSizes?: number[];
  layers?: LayerSpec[];
  annotations?: Record<string, string>;
}

export interface BuiltImage {
  readonly manifestDigest: string;
  readonly manifestBody: Buffer;
  readonly configDigest: string;
  readonly configSize: number;
  readonly layerSizes: number[];
  readonly layerDigests: string[];
}

export type RegistryAuthMode =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string }
  /** Token service at `/token` on the same server unless `realm` is given. */
  | { kind: 'bearer'; username?: string; password?: string; realm?: string; expiresIn?: number };

/**
 * Serves `/v2/`, manifests, blobs, tag lists, `/token`, and (when `referrersApi` is set) the
 * OCI 1.1 referrers API; without it, like distribution 2.x, `referrers/` is a 404. Behaviour
 * for a path can be replaced with `override(pathPrefix, handler)`.
 */
export class FakeRegistry {
  readonly manifests = new Map<string, StoredContent>();
  readonly blobs = new Map<string, StoredContent>();
  auth: RegistryAuthMode = { kind: 'anonymous' };
  referrersApi = false;
  /** Repositories a bearer token grants even to anonymous users. */
  readonly publicRepositories = new Set<string>();
  private readonly overrides: Array<[string, RequestHandler]> = [];
  private issuedTokens = new Map<string, string>(); // token -> granted repository ('' for none)
  private tokenCounter = 0;
  server!: TestServer;

  static async start(tls?: { key: string; cert: string }, listenHost?: string): Promise<FakeRegistry> {
    const registry = new FakeRegistry();
    registry.server = await TestServer.start((req, res) => registry.handle(req, res), tls, listenHost);
    return registry;
  }

  override(pathPrefix: string, handler: RequestHandler): void {
    this.overrides.unshift([pathPrefix, handler]);
  }

  get tokenRequests(): RecordedRequest[] {
    return this.server.requestsTo('/token');
  }

  /** `METHOD path` of every request, for asserting which requests a validation sent. */
  get requestLines(): string[] {
    return this.server.requests.map((r) => `${r.method} ${r.path}`);
  }

  addBlob(repository: string, body: Buffer, mediaType = 'application/octet-stream'): string {
    const digest = sha256(body);
    this.blobs.set(`${repository}@${digest}`, { body, mediaType });
    return digest;
  }

  putManifest(repository: string, tags: string[], body: Buffer, mediaType: string): string {
    const digest = sha256(body);
    for (const ref of [...tags, digest]) this.manifests.set(`${repository}:${ref}`, { body, mediaType });
    return digest;
  }

  /** Stores a single-platform image (config, layers, manifest) and tags it. */
  addImage(repository: string, tag: string | undefined, spec: ImageSpec = {}): BuiltImage {
    const container: Record<string, unknown> = {
      Env: spec.env ?? ['PATH=/usr/local/bin:/usr/bin', 'CUDA_VERSION=12.4.1'],
      ExposedPorts: Object.fromEntries((spec.exposedPorts ?? ['8888/tcp']).map((p) => [p, {}])),
      Labels: spec.labels ?? {},
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      ...(spec.user ? { User: spec.user } : {}),
    };
    const config = Buffer.from(
      JSON.stringify({ architecture: spec.architecture ?? 'amd64', os: spec.os ?? 'linux', config: container, rootfs: { type: 'layers', diff_ids: [] } }),
    );
    const configDigest = this.addBlob(repository, config, MediaType.OciImageConfig);
    const layers: LayerSpec[] = spec.layers ?? (spec.layerSizes ?? [1000, 2500]).map((size) => ({ size }));
    const layerDigests = layers.map((layer, i) => {
      const body = Buffer.from(`layer-${i}-${layer.size}-${repository}`);
      return layer.missing ? sha256(body) : this.addBlob(repository, body);
    });
    const manifestBody = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciImageConfig, digest: configDigest, size: config.length },
        layers: layers.map((layer, i) => ({
          mediaType: layer.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: layerDigests[i],
          size: layer.size,
          ...(layer.annotations ? { annotations: layer.annotations } : {}),
        })),
        ...(spec.annotations ? { annotations: spec.annotations } : {}),
      }),
    );
    const manifestDigest = this.putManifest(repository, tag ? [tag] : [], manifestBody, MediaType.OciManifest);
    return { manifestDigest, manifestBody, configDigest, configSize: config.length, layerSizes: layers.map((l) => l.size), layerDigests };
  }

  /** Stores an index over the given platform images (and any extra descriptors) and tags it. */
  addIndex(
    repository: string,
    tag: string,
    entries: Array<{ platform: { os: string; architecture: string; variant?: string }; image: BuiltImage; annotations?: Record<string, string> }>,
    extra: Record<string, unknown>[] = [],
  ): string {
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [
          ...entries.map((e) => ({
            mediaType: MediaType.OciManifest,
            digest: e.image.manifestDigest,
            size: e.image.manifestBody.length,
            platform: e.platform,
            ...(e.annotations ? { annotations: e.annotations } : {}),
          })),
          ...extra,
        ],
      }),
    );
    return this.putManifest(repository, [tag], body, MediaType.OciIndex);
  }

  /** An artifact manifest whose `subject` is `subjectDigest` (found through the referrers API or its tag schema). */
  addReferrer(repository: string, subjectDigest: string, artifactType: string, tags: string[] = []): string {
    const config = Buffer.from('{}');
    const configDigest = this.addBlob(repository, config, 'application/vnd.oci.empty.v1+json');
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: configDigest, size: config.length },
        layers: [],
        subject: { mediaType: MediaType.OciManifest, digest: subjectDigest, size: 1 },
      }),
    );
    return this.putManifest(repository, tags, body, MediaType.OciManifest);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://registry');
    const override = this.overrides.find(([prefix]) => url.pathname.startsWith(prefix));
    if (override) return override[1](req, res);
    if (url.pathname === '/token') return this.handleToken(req, res, url);
    if (url.pathname === '/v2/') {
      if (this.auth.kind !== 'anonymous' && !this.authorized(req, '')) return this.challenge(res, '');
      return sendJson(res, 200, {});
    }
    const tagList = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (tagList) return this.handleTagList(req, res, tagList[1]);
    const referrers = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(url.pathname);
    if (referrers && this.referrersApi) return this.handleReferrers(req, res, referrers[1], referrers[2]);
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!match) return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no route' }] });
    const [, repository, kind, reference] = match;
    if (!this.authorized(req, repository)) return this.challenge(res, repository);
    if (!this.hasRepository(repository)) {
      return sendJson(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
    }
    const content = kind === 'manifests' ? this.manifests.get(`${repository}:${reference}`) : this.blobs.get(`${repository}@${reference}`);
    if (!content) {
      const code = kind === 'manifests' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN';
      return sendJson(res, 404, { errors: [{ code, message: `${kind} unknown` }] });
    }
    res.writeHead(200, {
      'Content-Type': content.mediaType,
      'Content-Length': content.body.length,
      'Docker-Content-Digest': sha256(content.body),
    });
    res.end(req.method === 'HEAD' ? undefined : content.body);
  }

  private hasRepository(repository: string): boolean {
    return [...this.manifests.keys()].some((key) => key.startsWith(`${repository}:`));
  }

  private handleTagList(req: http.IncomingMessage, res: http.ServerResponse, repository: string): void {
    if (!this.authorized(req, repository)) return this.challenge(res, repository);
    const prefix = `${repository}:`;
    const tags = [...this.manifests.keys()].filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes(':'));
    if (tags.length === 0 && !this.hasRepository(repository)) {
      return sendJson(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
    }
    sendJson(res, 200, { name: repository, tags: tags.map((k) => k.slice(prefix.length)) });
  }

  private handleReferrers(req: http.IncomingMessage, res: http.ServerResponse, repository: string, digest: string): void {
    if (!this.authorized(req, repository)) return this.challenge(res, repository);
    const seen = new Set<string>();
    const manifests: Record<string, unknown>[] = [];
    for (const [key, content] of this.manifests) {
      if (!key.startsWith(`${repository}:`) || seen.has(sha256(content.body))) continue;
      const document = JSON.parse(content.body.toString()) as { subject?: { digest?: string }; artifactType?: string; annotations?: unknown };
      if (document.subject?.digest !== digest) continue;
      seen.add(sha256(content.body));
      manifests.push({ mediaType: content.mediaType, digest: sha256(content.body), size: content.body.length, artifactType: document.artifactType });
    }
    sendJson(res, 200, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }, { 'Content-Type': MediaType.OciIndex });
  }

  private authorized(req: http.IncomingMessage, repository: string): boolean {
    const header = req.headers.authorization;
    switch (this.auth.kind) {
      case 'anonymous':
        return true;
      case 'basic':
        return header === basicHeader(this.auth.username, this.auth.password);
      case 'bearer': {
        const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
        const granted = token === undefined ? undefined : this.issuedTokens.get(token);
        return granted !== undefined && (repository === '' || granted === repository);
      }
    }
  }

  private challenge(res: http.ServerResponse, repository: string): void {
    const auth = this.auth;
    const value =
      auth.kind === 'bearer'
        ? `Bearer realm="${auth.realm ?? `${this.server.protocol}://${this.server.host}/token`}",service="fake-registry"` +
          (repository ? `,scope="repository:${repository}:pull"` : '')
        : 'Basic realm="fake-registry"';
    res.writeHead(401, { 'WWW-Authenticate': value, 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
  }

  /** Docker token spec: Basic credentials optional; grants pull on the scope's repository when allowed. */
  private handleToken(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (this.auth.kind !== 'bearer') return sendJson(res, 404, {});
    const scope = url.searchParams.get('scope') ?? '';
    const repository = /^repository:(.+):pull$/.exec(scope)?.[1] ?? '';
    const header = req.headers.authorization;
    const hasValidCredentials = this.auth.username !== undefined && header === basicHeader(this.auth.username, this.auth.password ?? '');
    if (header !== undefined && !hasValidCredentials) {
      return sendJson(res, 401, { details: 'incorrect username or password' });
    }
    const grants = hasValidCredentials || this.publicRepositories.has(repository) ? repository : '';
    const token = `token-${++this.tokenCounter}`;
    this.issuedTokens.set(token, grants);
    const body: Record<string, unknown> = { token, access_token: token };
    if (this.auth.expiresIn !== undefined) body.expires_in = this.auth.expiresIn;
    sendJson(res, 200, body);
  }

  /** Forgets every issued token (the registry no longer accepts them). */
  revokeTokens(): void {
    this.issuedTokens.clear();
  }
}
