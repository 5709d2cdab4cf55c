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
exports.STANDARD_IMAGE_SPECS = exports.WEBUI_APPS_LABEL = exports.MEDIA_TYPES = void 0;
exports.pushStandardImages = pushStandardImages;
exports.pushImage = pushImage;
exports.describeImage = describeImage;
exports.imageReference = imageReference;
exports.platformImage = platformImage;
exports.pushBlob = pushBlob;
exports.pushManifest = pushManifest;
exports.buildImage = buildImage;
exports.tarArchive = tarArchive;
const node_crypto_1 = require("node:crypto");
const https = __importStar(require("node:https"));
const node_zlib_1 = require("node:zlib");
const https_request_1 = require("./https-request");
exports.MEDIA_TYPES = {
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    ociConfig: 'application/vnd.oci.image.config.v1+json',
    ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    dockerConfig: 'application/vnd.docker.container.image.v1+json',
    dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    inToto: 'application/vnd.in-toto+json',
};
const CUDA_PATH = 'PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const AMD64 = { os: 'linux', architecture: 'amd64' };
const ARM64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const PPC64LE = { os: 'linux', architecture: 'ppc64le' };
const BASE_LAYER = {
    files: {
        'etc/os-release': 'NAME="Test Linux"\nID=testlinux\nVERSION_ID="1.0"\n',
        'usr/local/cuda/version.json': '{"cuda":{"name":"CUDA SDK","version":"12.4.1"}}\n',
    },
};
const appLayer = (name) => ({
    files: { [`opt/${name}/app.py`]: `print("hello from ${name}")\n` },
});
exports.WEBUI_APPS_LABEL = '[{"name":"webui","port":7860,"protocol":"HTTP","isUI":true}]';
const CUDA_APP = {
    kind: 'image',
    repository: 'gpu/cuda-app',
    tag: '1.0',
    exposedPorts: ['8888/tcp', '22/tcp', '9000/udp'],
    env: [CUDA_PATH, 'CUDA_VERSION=12.4.1'],
    cmd: ['jupyter', 'lab', '--ip=0.0.0.0'],
    workingDir: '/workspace',
    layers: [BASE_LAYER, appLayer('cuda-app')],
};
exports.STANDARD_IMAGE_SPECS = {
    cudaApp: CUDA_APP,
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
    armOnly: {
        kind: 'index',
        repository: 'gpu/arm-only',
        tag: '1.0',
        images: [
            { platform: ARM64, exposedPorts: ['8888/tcp'], layers: [appLayer('arm-only-arm64')] },
            { platform: PPC64LE, exposedPorts: ['8888/tcp'], layers: [appLayer('arm-only-ppc64le')] },
        ],
    },
    labelled: {
        kind: 'image',
        repository: 'gpu/labelled',
        tag: '1.0',
        exposedPorts: ['7860/tcp'],
        env: [CUDA_PATH],
        labels: { 'ai.airuntime.apps': exports.WEBUI_APPS_LABEL, 'org.opencontainers.image.title': 'labelled' },
        layers: [appLayer('labelled')],
    },
    dockerV2: {
        kind: 'image',
        repository: 'gpu/docker-v2',
        tag: '1.0',
        format: 'docker',
        exposedPorts: ['8888/tcp', '22/tcp'],
        env: [CUDA_PATH, 'CUDA_VERSION=11.8.0'],
        layers: [BASE_LAYER, appLayer('docker-v2')],
    },
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
    publicCudaApp: { ...CUDA_APP, repository: 'public/cuda-app' },
};
async function pushStandardImages(registry) {
    const names = Object.keys(exports.STANDARD_IMAGE_SPECS);
    const pushed = await withPushSession(registry, (session) => Promise.all(names.map((name) => session.pushImage(exports.STANDARD_IMAGE_SPECS[name]))));
    return Object.fromEntries(names.map((name, i) => [name, pushed[i]]));
}
function pushImage(registry, spec) {
    return withPushSession(registry, (session) => session.pushImage(spec));
}
function describeImage(spec) {
    return buildImage(spec).description;
}
function imageReference(registry, image, options = {}) {
    return options.byDigest
        ? `${registry.host}/${image.repository}@${image.digest}`
        : `${registry.host}/${image.reference}`;
}
function platformImage(image, platform) {
    return image.images.find((entry) => platformString(entry.platform) === platform ||
        (!platform.split('/')[2] && `${entry.platform.os}/${entry.platform.architecture}` === platform));
}
async function pushBlob(registry, repository, bytes) {
    const digest = sha256(bytes);
    const blob = { mediaType: 'application/octet-stream', digest, size: bytes.length, bytes };
    await withPushSession(registry, (session) => session.pushBlob(repository, blob));
    return digest;
}
async function pushManifest(registry, repository, reference, mediaType, bytes) {
    return withPushSession(registry, (session) => session.pushManifest(repository, reference, mediaType, bytes));
}
function buildImage(spec) {
    const format = spec.format ?? 'oci';
    const blobs = new Map();
    const manifests = [];
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
    if (spec.attestations && format !== 'oci')
        throw new Error('attestation manifests need format "oci"');
    const images = spec.images.map((imageSpec) => buildPlatformImage(imageSpec, format, blobs));
    manifests.push(...images.map((image) => image.manifest));
    const attestations = spec.attestations
        ? images.map((image) => buildAttestation(spec, image.description, blobs))
        : [];
    manifests.push(...attestations.map((attestation) => attestation.manifest));
    const indexMediaType = format === 'oci' ? exports.MEDIA_TYPES.ociIndex : exports.MEDIA_TYPES.dockerManifestList;
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
function buildPlatformImage(spec, format, blobs) {
    const platform = spec.platform ?? AMD64;
    const layerSpecs = spec.layers ?? [{ files: { 'hello.txt': 'hello\n' } }];
    const layerMediaType = format === 'oci' ? exports.MEDIA_TYPES.ociLayer : exports.MEDIA_TYPES.dockerLayer;
    const layers = layerSpecs.map((layerSpec) => {
        const tar = tarArchive(layerSpec.files);
        const blob = rawBlob(layerMediaType, (0, node_zlib_1.gzipSync)(tar, { level: 9 }));
        blobs.set(blob.digest, blob);
        return { blob, diffId: sha256(tar) };
    });
    const exposedPorts = spec.exposedPorts ?? [];
    const env = spec.env ?? [];
    const labels = spec.labels ?? {};
    const containerConfig = { Env: env };
    if (exposedPorts.length)
        containerConfig.ExposedPorts = Object.fromEntries(exposedPorts.map((port) => [port, {}]));
    if (spec.entrypoint)
        containerConfig.Entrypoint = spec.entrypoint;
    if (spec.cmd)
        containerConfig.Cmd = spec.cmd;
    if (spec.workingDir)
        containerConfig.WorkingDir = spec.workingDir;
    if (spec.user)
        containerConfig.User = spec.user;
    if (Object.keys(labels).length)
        containerConfig.Labels = labels;
    const config = jsonBlob(format === 'oci' ? exports.MEDIA_TYPES.ociConfig : exports.MEDIA_TYPES.dockerConfig, {
        created: CREATED,
        architecture: platform.architecture,
        ...(platform.variant ? { variant: platform.variant } : {}),
        os: platform.os,
        config: containerConfig,
        rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
        history: layers.map((_, i) => ({ created: CREATED, created_by: `test layer ${i + 1}` })),
    });
    blobs.set(config.digest, config);
    const manifestMediaType = format === 'oci' ? exports.MEDIA_TYPES.ociManifest : exports.MEDIA_TYPES.dockerManifest;
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
function buildAttestation(spec, image, blobs) {
    const platform = encodeURIComponent(platformString(image.platform));
    const statement = rawBlob(exports.MEDIA_TYPES.inToto, Buffer.from(JSON.stringify({
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://spdx.dev/Document',
        subject: [{ name: `pkg:docker/${spec.repository}@${spec.tag}?platform=${platform}`, digest: { sha256: image.digest.slice(7) } }],
        predicate: { spdxVersion: 'SPDX-2.3', name: 'sbom', packages: [] },
    })));
    blobs.set(statement.digest, statement);
    const config = jsonBlob(exports.MEDIA_TYPES.ociConfig, {
        architecture: 'unknown',
        os: 'unknown',
        config: {},
        rootfs: { type: 'layers', diff_ids: [statement.digest] },
    });
    blobs.set(config.digest, config);
    const manifest = jsonBlob(exports.MEDIA_TYPES.ociManifest, {
        schemaVersion: 2,
        mediaType: exports.MEDIA_TYPES.ociManifest,
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
function platformString(platform) {
    return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
function descriptor(blob) {
    return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}
function jsonBlob(mediaType, value) {
    return rawBlob(mediaType, Buffer.from(JSON.stringify(value)));
}
function rawBlob(mediaType, bytes) {
    return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}
function sha256(bytes) {
    return `sha256:${(0, node_crypto_1.createHash)('sha256').update(bytes).digest('hex')}`;
}
const TAR_MTIME = 1704067200;
function tarArchive(files) {
    const parts = [];
    const directories = new Set();
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
function tarHeader(name, size, type, mode) {
    if (Buffer.byteLength(name) > 100)
        throw new Error(`tar entry name too long: ${name}`);
    const header = Buffer.alloc(512);
    const octal = (value, width) => `${value.toString(8).padStart(width - 1, '0')}\0`;
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
async function withPushSession(registry, use) {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 16 });
    try {
        return await use(new RegistryPushSession(registry, agent));
    }
    finally {
        agent.destroy();
    }
}
class RegistryPushSession {
    registry;
    agent;
    basic = false;
    tokens = new Map();
    authenticating = new Map();
    constructor(registry, agent) {
        this.registry = registry;
        this.agent = agent;
    }
    async pushImage(spec) {
        const built = buildImage(spec);
        await Promise.all(built.blobs.map((blob) => this.pushBlob(spec.repository, blob)));
        for (const [i, manifest] of built.manifests.entries()) {
            const isRoot = i === built.manifests.length - 1;
            await this.pushManifest(spec.repository, isRoot ? spec.tag : manifest.digest, manifest.mediaType, manifest.bytes);
        }
        return built.description;
    }
    async pushBlob(repository, blob) {
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
        if (done.status !== 201)
            throw pushError(`upload blob ${blob.digest}`, repository, done);
    }
    async pushManifest(repository, reference, mediaType, bytes) {
        const response = await this.request(repository, 'PUT', `/v2/${repository}/manifests/${reference}`, {
            headers: { 'content-type': mediaType },
            body: bytes,
        });
        if (response.status !== 201)
            throw pushError(`put manifest ${reference}`, repository, response);
        const digest = String(response.headers['docker-content-digest'] ?? '');
        if (digest !== sha256(bytes)) {
            throw new Error(`registry stored ${repository}:${reference} as ${digest}, expected ${sha256(bytes)}`);
        }
        return digest;
    }
    async request(repository, method, pathAndQuery, options = {}) {
        const send = () => (0, https_request_1.httpsRequest)(new URL(pathAndQuery, this.registry.url), {
            method,
            caFile: this.registry.caFile,
            headers: { ...options.headers, ...this.authorization(repository) },
            body: options.body,
            agent: this.agent,
        });
        const first = await send();
        if (first.status !== 401)
            return first;
        let authentication = this.authenticating.get(repository);
        if (!authentication) {
            authentication = this.authenticate(repository, String(first.headers['www-authenticate'] ?? ''));
            this.authenticating.set(repository, authentication);
            authentication.catch(() => this.authenticating.delete(repository));
        }
        await authentication;
        return send();
    }
    authorization(repository) {
        const credentials = this.registry.credentials;
        const token = this.tokens.get(repository);
        if (token)
            return { authorization: `Bearer ${token}` };
        if (this.basic && credentials)
            return { authorization: (0, https_request_1.basicAuthorization)(credentials.username, credentials.password) };
        return {};
    }
    async authenticate(repository, challenge) {
        const { scheme, params } = (0, https_request_1.parseAuthenticateHeader)(challenge);
        const credentials = this.registry.credentials;
        if (scheme === 'basic') {
            if (!credentials)
                throw new Error(`registry ${this.registry.url} wants Basic credentials; none given`);
            this.basic = true;
            return;
        }
        if (scheme !== 'bearer' || !params.realm)
            throw new Error(`unsupported registry challenge: ${challenge}`);
        const url = new URL(params.realm);
        if (params.service)
            url.searchParams.set('service', params.service);
        url.searchParams.set('scope', `repository:${repository}:pull,push`);
        const response = await (0, https_request_1.httpsRequest)(url, {
            caFile: this.registry.caFile,
            headers: credentials ? { authorization: (0, https_request_1.basicAuthorization)(credentials.username, credentials.password) } : {},
        });
        if (response.status !== 200)
            throw pushError('fetch push token', repository, response);
        const body = response.json();
        const token = body.token ?? body.access_token;
        if (!token)
            throw new Error(`token endpoint ${params.realm} returned no token`);
        this.tokens.set(repository, token);
    }
}
function pushError(step, repository, response) {
    return new Error(`push ${repository}: ${step} failed with HTTP ${response.status}: ${response.text().slice(0, 500)}`);
}
