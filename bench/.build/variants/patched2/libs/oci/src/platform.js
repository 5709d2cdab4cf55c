"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TARGET_PLATFORM = void 0;
exports.describePlatform = describePlatform;
exports.isAttestation = isAttestation;
exports.isTargetPlatform = isTargetPlatform;
exports.selectPlatformManifest = selectPlatformManifest;
const errors_1 = require("./errors");
const media_types_1 = require("./media-types");
exports.TARGET_PLATFORM = { os: 'linux', architecture: 'amd64' };
const ACCEPTED_VARIANTS = [undefined, 'v1', 'v2', 'v3'];
function describePlatform(platform) {
    return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
function isAttestation(descriptor) {
    return (descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
        (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown'));
}
function isTargetPlatform(platform) {
    return platform.os === exports.TARGET_PLATFORM.os && platform.architecture === exports.TARGET_PLATFORM.architecture;
}
function selectPlatformManifest(index) {
    const images = index.manifests.filter((d) => d.platform !== undefined && !isAttestation(d) && media_types_1.IMAGE_MANIFEST_MEDIA_TYPES.has(d.mediaType));
    const candidates = images.filter((d) => isTargetPlatform(d.platform) && ACCEPTED_VARIANTS.includes(d.platform.variant));
    candidates.sort((a, b) => ACCEPTED_VARIANTS.indexOf(a.platform.variant) - ACCEPTED_VARIANTS.indexOf(b.platform.variant));
    if (candidates.length > 0)
        return candidates[0];
    const found = [...new Set(images.map((d) => describePlatform(d.platform)))];
    const foundText = found.length > 0 ? `it provides ${found.slice(0, 10).join(', ')}` : 'it lists no runnable platforms';
    throw new errors_1.RegistryError('platform_unsupported', `The image has no linux/amd64 variant (${foundText}). Build it for linux/amd64, e.g. docker buildx build --platform linux/amd64.`);
}
//# sourceMappingURL=platform.js.map