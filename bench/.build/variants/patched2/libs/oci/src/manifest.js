"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseManifest = parseManifest;
exports.schema1Unsupported = schema1Unsupported;
const errors_1 = require("./errors");
const media_types_1 = require("./media-types");
function parseManifest(body, contentType) {
    const document = parseJsonObject(body);
    const mediaType = detectMediaType(document, (0, media_types_1.essenceOf)(contentType));
    if (media_types_1.SCHEMA1_MEDIA_TYPES.has(mediaType))
        throw schema1Unsupported();
    if (media_types_1.INDEX_MEDIA_TYPES.has(mediaType)) {
        const manifests = requireArray(document.manifests, 'manifests').map((entry, i) => parseDescriptor(entry, `manifests[${i}]`));
        return { kind: 'index', mediaType, manifests };
    }
    if (media_types_1.IMAGE_MANIFEST_MEDIA_TYPES.has(mediaType)) {
        const config = parseDescriptor(document.config, 'config');
        if (!media_types_1.IMAGE_CONFIG_MEDIA_TYPES.has(config.mediaType)) {
            throw new errors_1.RegistryError('unsupported_manifest', `The reference points at an OCI artifact (config media type "${truncate(config.mediaType)}"), not a container image.`);
        }
        const layers = requireArray(document.layers ?? [], 'layers').map((entry, i) => parseDescriptor(entry, `layers[${i}]`));
        return { kind: 'image', mediaType, config, layers };
    }
    throw new errors_1.RegistryError('unsupported_manifest', `The manifest media type "${truncate(mediaType)}" is not a container image format this service supports (OCI image or Docker schema 2).`);
}
function schema1Unsupported() {
    return new errors_1.RegistryError('unsupported_manifest', 'The image uses the deprecated Docker schema 1 manifest format, which is not supported. Rebuild and push it with a current Docker or buildx.');
}
function detectMediaType(document, contentType) {
    if (typeof document.mediaType === 'string' && document.mediaType !== '')
        return document.mediaType;
    if (document.schemaVersion === 1)
        return media_types_1.MediaType.DockerSchema1;
    if (contentType && contentType !== 'application/json' && contentType !== 'text/plain')
        return contentType;
    if (Array.isArray(document.manifests))
        return media_types_1.MediaType.OciIndex;
    if (document.config !== undefined)
        return media_types_1.MediaType.OciManifest;
    return contentType ?? 'unknown';
}
function parseJsonObject(body) {
    let document;
    try {
        document = JSON.parse(body.toString('utf8'));
    }
    catch {
        throw malformed('it is not valid JSON');
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
        throw malformed('it is not a JSON object');
    }
    return document;
}
function parseDescriptor(value, field) {
    if (typeof value !== 'object' || value === null)
        throw malformed(`"${field}" is not a descriptor`);
    const raw = value;
    if (typeof raw.mediaType !== 'string')
        throw malformed(`"${field}.mediaType" is missing`);
    if (typeof raw.digest !== 'string')
        throw malformed(`"${field}.digest" is missing`);
    if (typeof raw.size !== 'number' || !Number.isSafeInteger(raw.size) || raw.size < 0) {
        throw malformed(`"${field}.size" is not a non-negative integer`);
    }
    return {
        mediaType: raw.mediaType,
        digest: raw.digest,
        size: raw.size,
        platform: parsePlatform(raw.platform),
        annotations: parseStringMap(raw.annotations),
    };
}
function parsePlatform(value) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const raw = value;
    if (typeof raw.os !== 'string' || typeof raw.architecture !== 'string')
        return undefined;
    return {
        os: raw.os,
        architecture: raw.architecture,
        ...(typeof raw.variant === 'string' && raw.variant !== '' ? { variant: raw.variant } : {}),
    };
}
function parseStringMap(value) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const entries = Object.entries(value).filter((entry) => typeof entry[1] === 'string');
    return Object.fromEntries(entries);
}
function requireArray(value, field) {
    if (!Array.isArray(value))
        throw malformed(`"${field}" is not a list`);
    return value;
}
function malformed(reason) {
    return new errors_1.RegistryError('unsupported_manifest', `The image manifest is malformed: ${reason}.`);
}
function truncate(text) {
    const clean = text.replace(/[^\x20-\x7e]/g, '?');
    return clean.length > 100 ? `${clean.slice(0, 99)}…` : clean;
}
//# sourceMappingURL=manifest.js.map