"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_CONFIG_BYTES = exports.MAX_MANIFEST_BYTES = void 0;
exports.inspectImage = inspectImage;
const apps_1 = require("./apps");
const digest_1 = require("./digest");
const errors_1 = require("./errors");
const image_config_1 = require("./image-config");
const manifest_1 = require("./manifest");
const media_types_1 = require("./media-types");
const platform_1 = require("./platform");
const registry_response_1 = require("./registry-response");
exports.MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
exports.MAX_CONFIG_BYTES = 4 * 1024 * 1024;
async function inspectImage(session, ref) {
    const { digest: resolvedDigest, content: top } = await resolveTopManifest(session, ref);
    const manifest = (0, manifest_1.parseManifest)(top.body, top.contentType);
    let image;
    let listedPlatform;
    let platformDigest;
    if (manifest.kind === 'index') {
        const chosen = (0, platform_1.selectPlatformManifest)(manifest);
        image = await fetchPlatformManifest(session, chosen);
        listedPlatform = chosen.platform;
        platformDigest = chosen.digest;
    }
    else {
        image = manifest;
        platformDigest = resolvedDigest;
    }
    const config = await fetchConfig(session, image.config);
    const platform = runnablePlatform(config, listedPlatform);
    return {
        resolved_digest: resolvedDigest,
        media_type: manifest.mediaType,
        platform: { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) },
        platform_digest: platformDigest,
        total_size_bytes: image.layers.reduce((sum, layer) => sum + layer.size, image.config.size),
        cuda_version: (0, image_config_1.cudaVersionOf)(config),
        apps: (0, apps_1.deriveApps)(config),
    };
}
async function resolveTopManifest(session, ref) {
    const head = await precheckManifest(session, ref);
    const knownDigest = head.succeeded ? (ref.digest ?? head.digest) : undefined;
    const cached = knownDigest ? session.cachedContent(knownDigest) : undefined;
    if (knownDigest && cached)
        return { digest: knownDigest, content: cached };
    const response = await session.getManifest(ref.reference, media_types_1.MANIFEST_ACCEPT, exports.MAX_MANIFEST_BYTES).catch(async (error) => {
        if (error instanceof errors_1.RegistryError && error.code === 'manifest_not_found')
            await session.throwIfRepositoryUnknown();
        throw error;
    });
    const digest = verifiedManifestDigest(response, ref);
    const content = contentOf(response);
    session.cacheContent(digest, content);
    return { digest, content };
}
const GET_EXPLAINS_BETTER = new Set([
    'invalid_credentials',
    'access_denied',
    'repository_not_found',
    'manifest_not_found',
    'registry_error',
]);
async function precheckManifest(session, ref) {
    let head;
    try {
        head = await session.headManifest(ref.reference, media_types_1.MANIFEST_ACCEPT);
    }
    catch (error) {
        if (error instanceof errors_1.RegistryError && GET_EXPLAINS_BETTER.has(error.code))
            return { succeeded: false };
        throw error;
    }
    if (Number((0, registry_response_1.headerValue)(head, 'content-length')) > exports.MAX_MANIFEST_BYTES)
        throw manifestTooLarge('image manifest');
    const mediaType = (0, media_types_1.essenceOf)((0, registry_response_1.headerValue)(head, 'content-type'));
    if (mediaType && media_types_1.SCHEMA1_MEDIA_TYPES.has(mediaType))
        throw (0, manifest_1.schema1Unsupported)();
    const digest = (0, registry_response_1.headerValue)(head, 'docker-content-digest')?.trim();
    return { succeeded: true, digest: digest && (0, digest_1.parseDigest)(digest) ? digest : undefined };
}
function verifiedManifestDigest(response, ref) {
    const what = `manifest for ${ref.toString()}`;
    const header = (0, registry_response_1.headerValue)(response, 'docker-content-digest')?.trim();
    const usableHeader = header !== undefined && (0, digest_1.parseDigest)(header) ? header : undefined;
    if (usableHeader)
        (0, digest_1.verifyDigest)(response.body, usableHeader, what);
    if (ref.digest) {
        (0, digest_1.verifyDigest)(response.body, ref.digest, what);
        return ref.digest;
    }
    return usableHeader ?? (0, digest_1.computeDigest)(response.body);
}
async function fetchPlatformManifest(session, descriptor) {
    if (descriptor.size > exports.MAX_MANIFEST_BYTES)
        throw manifestTooLarge('linux/amd64 image manifest');
    const content = await fetchVerified(session, descriptor.digest, 'linux/amd64 image manifest', () => session.getManifest(descriptor.digest, media_types_1.MANIFEST_ACCEPT, exports.MAX_MANIFEST_BYTES));
    const manifest = (0, manifest_1.parseManifest)(content.body, content.contentType);
    if (manifest.kind !== 'image') {
        throw new errors_1.RegistryError('unsupported_manifest', 'The image index points at another index for linux/amd64; nested indexes are not supported.');
    }
    return manifest;
}
async function fetchConfig(session, descriptor) {
    if (descriptor.size > exports.MAX_CONFIG_BYTES)
        throw manifestTooLarge('image configuration');
    const content = await fetchVerified(session, descriptor.digest, 'image configuration', () => session.getBlob(descriptor.digest, `The image configuration ${descriptor.digest}`, exports.MAX_CONFIG_BYTES));
    return (0, image_config_1.parseImageConfig)(content.body);
}
async function fetchVerified(session, digest, what, fetch) {
    const cached = session.cachedContent(digest);
    if (cached)
        return cached;
    const response = await fetch();
    (0, digest_1.verifyDigest)(response.body, digest, what);
    const content = contentOf(response);
    session.cacheContent(digest, content);
    return content;
}
function contentOf(response) {
    return { body: response.body, contentType: (0, registry_response_1.headerValue)(response, 'content-type') };
}
function runnablePlatform(config, listed) {
    const declared = {
        os: config.os ?? 'unknown',
        architecture: config.architecture ?? 'unknown',
        ...(config.variant ? { variant: config.variant } : {}),
    };
    if (listed && (config.os === undefined || config.architecture === undefined || (0, platform_1.isTargetPlatform)(declared))) {
        return listed;
    }
    if (!(0, platform_1.isTargetPlatform)(declared)) {
        throw new errors_1.RegistryError('platform_unsupported', `The image is built for ${(0, platform_1.describePlatform)(declared)}, but only linux/amd64 is supported. Build it with --platform linux/amd64.`);
    }
    return declared;
}
function manifestTooLarge(what) {
    return new errors_1.RegistryError('manifest_too_large', `The ${what} is larger than ${exports.MAX_MANIFEST_BYTES / 1024 / 1024} MiB, which this service does not accept.`);
}
//# sourceMappingURL=image-inspection.js.map