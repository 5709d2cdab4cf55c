"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.FakeRegistry = exports.TestServer = void 0;
exports.sha256 = sha256;
exports.basicHeader = basicHeader;
exports.sendJson = sendJson;
const node_crypto_1 = require("node:crypto");
const http = __importStar(require("node:http"));
const https = __importStar(require("node:https"));
const media_types_1 = require("../media-types");
class TestServer {
    server;
    port;
    protocol;
    listenHost;
    requests = [];
    constructor(server, port, protocol, listenHost) {
        this.server = server;
        this.port = port;
        this.protocol = protocol;
        this.listenHost = listenHost;
    }
    static async start(handler, tls, listenHost = '127.0.0.1') {
        let instance;
        const listener = (req, res) => {
            instance?.requests.push({
                method: req.method ?? '',
                path: req.url ?? '',
                authorization: req.headers.authorization,
                host: req.headers.host,
            });
            handler(req, res);
        };
        const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
        await new Promise((resolve, reject) => server.once('error', reject).listen(0, listenHost, resolve));
        instance = new TestServer(server, server.address().port, tls ? 'https' : 'http', listenHost);
        return instance;
    }
    get host() {
        return this.listenHost.includes(':') ? `[${this.listenHost}]:${this.port}` : `${this.listenHost}:${this.port}`;
    }
    requestsTo(pathPrefix) {
        return this.requests.filter((r) => r.path.startsWith(pathPrefix));
    }
    async close() {
        this.server.closeAllConnections();
        await new Promise((resolve) => this.server.close(() => resolve()));
    }
}
exports.TestServer = TestServer;
function sha256(content) {
    return `sha256:${(0, node_crypto_1.createHash)('sha256').update(content).digest('hex')}`;
}
class FakeRegistry {
    manifests = new Map();
    blobs = new Map();
    auth = { kind: 'anonymous' };
    publicRepositories = new Set();
    overrides = [];
    issuedTokens = new Map();
    tokenCounter = 0;
    server;
    static async start(tls, listenHost) {
        const registry = new FakeRegistry();
        registry.server = await TestServer.start((req, res) => registry.handle(req, res), tls, listenHost);
        return registry;
    }
    override(pathPrefix, handler) {
        this.overrides.unshift([pathPrefix, handler]);
    }
    get tokenRequests() {
        return this.server.requestsTo('/token');
    }
    addBlob(repository, body, mediaType = 'application/octet-stream') {
        const digest = sha256(body);
        this.blobs.set(`${repository}@${digest}`, { body, mediaType });
        return digest;
    }
    putManifest(repository, tags, body, mediaType) {
        const digest = sha256(body);
        for (const ref of [...tags, digest])
            this.manifests.set(`${repository}:${ref}`, { body, mediaType });
        return digest;
    }
    addImage(repository, tag, spec = {}) {
        const config = Buffer.from(JSON.stringify({
            architecture: spec.architecture ?? 'amd64',
            os: spec.os ?? 'linux',
            config: {
                Env: spec.env ?? ['PATH=/usr/local/bin:/usr/bin', 'CUDA_VERSION=12.4.1'],
                ExposedPorts: Object.fromEntries((spec.exposedPorts ?? ['8888/tcp']).map((p) => [p, {}])),
                Labels: spec.labels ?? {},
            },
            rootfs: { type: 'layers', diff_ids: [] },
        }));
        const configDigest = this.addBlob(repository, config, media_types_1.MediaType.OciImageConfig);
        const layerSizes = spec.layerSizes ?? [1000, 2500];
        const manifestBody = Buffer.from(JSON.stringify({
            schemaVersion: 2,
            mediaType: media_types_1.MediaType.OciManifest,
            config: { mediaType: media_types_1.MediaType.OciImageConfig, digest: configDigest, size: config.length },
            layers: layerSizes.map((size, i) => ({
                mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
                digest: sha256(`layer-${i}-${size}`),
                size,
            })),
        }));
        const manifestDigest = this.putManifest(repository, tag ? [tag] : [], manifestBody, media_types_1.MediaType.OciManifest);
        return { manifestDigest, manifestBody, configDigest, configSize: config.length, layerSizes };
    }
    addIndex(repository, tag, entries) {
        const body = Buffer.from(JSON.stringify({
            schemaVersion: 2,
            mediaType: media_types_1.MediaType.OciIndex,
            manifests: entries.map((e) => ({
                mediaType: media_types_1.MediaType.OciManifest,
                digest: e.image.manifestDigest,
                size: e.image.manifestBody.length,
                platform: e.platform,
                ...(e.annotations ? { annotations: e.annotations } : {}),
            })),
        }));
        return this.putManifest(repository, [tag], body, media_types_1.MediaType.OciIndex);
    }
    async close() {
        await this.server.close();
    }
    handle(req, res) {
        const url = new URL(req.url ?? '/', 'http://registry');
        const override = this.overrides.find(([prefix]) => url.pathname.startsWith(prefix));
        if (override)
            return override[1](req, res);
        if (url.pathname === '/token')
            return this.handleToken(req, res, url);
        if (url.pathname === '/v2/') {
            if (this.auth.kind !== 'anonymous' && !this.authorized(req, ''))
                return this.challenge(res, '');
            return sendJson(res, 200, {});
        }
        const tagList = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
        if (tagList)
            return this.handleTagList(req, res, tagList[1]);
        const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
        if (!match)
            return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no route' }] });
        const [, repository, kind, reference] = match;
        if (!this.authorized(req, repository))
            return this.challenge(res, repository);
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
    handleTagList(req, res, repository) {
        if (!this.authorized(req, repository))
            return this.challenge(res, repository);
        const prefix = `${repository}:`;
        const tags = [...this.manifests.keys()].filter((k) => k.startsWith(prefix) && !k.includes('@') && !k.slice(prefix.length).includes(':'));
        if (tags.length === 0 && ![...this.manifests.keys()].some((k) => k.startsWith(prefix))) {
            return sendJson(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
        }
        sendJson(res, 200, { name: repository, tags: tags.map((k) => k.slice(prefix.length)) });
    }
    authorized(req, repository) {
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
    challenge(res, repository) {
        const auth = this.auth;
        const value = auth.kind === 'bearer'
            ? `Bearer realm="${auth.realm ?? `${this.server.protocol}://${this.server.host}/token`}",service="fake-registry"` +
                (repository ? `,scope="repository:${repository}:pull"` : '')
            : 'Basic realm="fake-registry"';
        res.writeHead(401, { 'WWW-Authenticate': value, 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    }
    handleToken(req, res, url) {
        if (this.auth.kind !== 'bearer')
            return sendJson(res, 404, {});
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
        const body = { token, access_token: token };
        if (this.auth.expiresIn !== undefined)
            body.expires_in = this.auth.expiresIn;
        sendJson(res, 200, body);
    }
}
exports.FakeRegistry = FakeRegistry;
function basicHeader(username, password) {
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
function sendJson(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
}
//# sourceMappingURL=fake-registry.js.map