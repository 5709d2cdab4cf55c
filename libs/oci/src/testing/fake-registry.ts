/**
 * Test-only: a small in-process OCI registry (distribution-spec subset) with a
 * Docker-style token service, for the RegistryClient unit specs. Not exported
 * from the library.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { MediaType } from '../media-types';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly host: string | undefined;
}

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP(S) server on 127.0.0.1 that records every request it receives. */
export class TestServer {
  readonly requests: RecordedRequest[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    readonly protocol: 'http' | 'https',
    private readonly listenHost: string,
  ) {}

  static async start(handler: RequestHandler, tls?: { key: string; cert: string }, listenHost = '127.0.0.1'): Promise<TestServer> {
    let instance: TestServer | undefined;
    const listener: RequestHandler = (req, res) => {
      instance?.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        host: req.headers.host,
      });
      handler(req, res);
    };
    const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, listenHost, resolve));
    instance = new TestServer(server, (server.address() as AddressInfo).port, tls ? 'https' : 'http', listenHost);
    return instance;
  }

  /** `127.0.0.1:<port>`, or `[::1]:<port>` when listening on IPv6 loopback. */
  get host(): string {
    return this.listenHost.includes(':') ? `[${this.listenHost}]:${this.port}` : `${this.listenHost}:${this.port}`;
  }

  requestsTo(pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sha256(content: Buffer | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

interface StoredContent {
  readonly body: Buffer;
  readonly mediaType: string;
}

export interface ImageSpec {
  os?: string;
  architecture?: string;
  env?: string[];
  exposedPorts?: string[];
  labels?: Record<string, string>;
  layerSizes?: number[];
}

export interface BuiltImage {
  readonly manifestDigest: string;
  readonly manifestBody: Buffer;
  readonly configDigest: string;
  readonly configSize: number;
  readonly layerSizes: number[];
}

export type RegistryAuthMode =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string }
  /** Token service at `/token` on the same server unless `realm` is given. */
  | { kind: 'bearer'; username?: string; password?: string; realm?: string; expiresIn?: number };

/**
 * Serves `/v2/`, manifests, blobs and `/token`. Behaviour for a path can be
 * replaced with `override(pathPrefix, handler)`.
 */
export class FakeRegistry {
  readonly manifests = new Map<string, StoredContent>();
  readonly blobs = new Map<string, StoredContent>();
  auth: RegistryAuthMode = { kind: 'anonymous' };
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

  /** Stores a single-platform image (config + manifest) and tags it. */
  addImage(repository: string, tag: string | undefined, spec: ImageSpec = {}): BuiltImage {
    const config = Buffer.from(
      JSON.stringify({
        architecture: spec.architecture ?? 'amd64',
        os: spec.os ?? 'linux',
        config: {
          Env: spec.env ?? ['PATH=/usr/local/bin:/usr/bin', 'CUDA_VERSION=12.4.1'],
          ExposedPorts: Object.fromEntries((spec.exposedPorts ?? ['8888/tcp']).map((p) => [p, {}])),
          Labels: spec.labels ?? {},
        },
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    );
    const configDigest = this.addBlob(repository, config, MediaType.OciImageConfig);
    const layerSizes = spec.layerSizes ?? [1000, 2500];
    const manifestBody = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciImageConfig, digest: configDigest, size: config.length },
        layers: layerSizes.map((size, i) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: sha256(`layer-${i}-${size}`),
          size,
        })),
      }),
    );
    const manifestDigest = this.putManifest(repository, tag ? [tag] : [], manifestBody, MediaType.OciManifest);
    return { manifestDigest, manifestBody, configDigest, configSize: config.length, layerSizes };
  }

  /** Stores an index over the given platform images and tags it. */
  addIndex(
    repository: string,
    tag: string,
    entries: Array<{ platform: { os: string; architecture: string; variant?: string }; image: BuiltImage; annotations?: Record<string, string> }>,
  ): string {
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: entries.map((e) => ({
          mediaType: MediaType.OciManifest,
          digest: e.image.manifestDigest,
          size: e.image.manifestBody.length,
          platform: e.platform,
          ...(e.annotations ? { annotations: e.annotations } : {}),
        })),
      }),
    );
    return this.putManifest(repository, [tag], body, MediaType.OciIndex);
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
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!match) return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no route' }] });
    const [, repository, kind, reference] = match;
    if (!this.authorized(req, repository)) return this.challenge(res, repository);
    if (![...this.manifests.keys()].some((key) => key.startsWith(`${repository}:`))) {
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

  private handleTagList(req: http.IncomingMessage, res: http.ServerResponse, repository: string): void {
    if (!this.authorized(req, repository)) return this.challenge(res, repository);
    const prefix = `${repository}:`;
    const tags = [...this.manifests.keys()].filter((k) => k.startsWith(prefix) && !k.includes('@') && !k.slice(prefix.length).includes(':'));
    if (tags.length === 0 && ![...this.manifests.keys()].some((k) => k.startsWith(prefix))) {
      return sendJson(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
    }
    sendJson(res, 200, { name: repository, tags: tags.map((k) => k.slice(prefix.length)) });
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
    const hasValidCredentials =
      this.auth.username !== undefined && header === basicHeader(this.auth.username, this.auth.password ?? '');
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
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
