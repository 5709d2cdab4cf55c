"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MANIFEST_ACCEPT = exports.IMAGE_CONFIG_MEDIA_TYPES = exports.SCHEMA1_MEDIA_TYPES = exports.IMAGE_MANIFEST_MEDIA_TYPES = exports.INDEX_MEDIA_TYPES = exports.MediaType = void 0;
exports.essenceOf = essenceOf;
exports.MediaType = {
    OciIndex: 'application/vnd.oci.image.index.v1+json',
    OciManifest: 'application/vnd.oci.image.manifest.v1+json',
    DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
    DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
    OciImageConfig: 'application/vnd.oci.image.config.v1+json',
    DockerImageConfig: 'application/vnd.docker.container.image.v1+json',
};
exports.INDEX_MEDIA_TYPES = new Set([exports.MediaType.OciIndex, exports.MediaType.DockerManifestList]);
exports.IMAGE_MANIFEST_MEDIA_TYPES = new Set([exports.MediaType.OciManifest, exports.MediaType.DockerManifest]);
exports.SCHEMA1_MEDIA_TYPES = new Set([exports.MediaType.DockerSchema1, exports.MediaType.DockerSchema1Signed]);
exports.IMAGE_CONFIG_MEDIA_TYPES = new Set([exports.MediaType.OciImageConfig, exports.MediaType.DockerImageConfig]);
exports.MANIFEST_ACCEPT = [
    exports.MediaType.OciIndex,
    exports.MediaType.OciManifest,
    exports.MediaType.DockerManifestList,
    exports.MediaType.DockerManifest,
].join(', ');
function essenceOf(contentType) {
    const essence = contentType?.split(';', 1)[0].trim().toLowerCase();
    return essence ? essence : undefined;
}
//# sourceMappingURL=media-types.js.map