"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ImageReference = exports.MAX_REPOSITORY_LENGTH = exports.MAX_IMAGE_REFERENCE_LENGTH = void 0;
const node_net_1 = require("node:net");
const digest_1 = require("./digest");
const errors_1 = require("./errors");
exports.MAX_IMAGE_REFERENCE_LENGTH = 512;
exports.MAX_REPOSITORY_LENGTH = 255;
const DOCKER_HUB_REGISTRIES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_OFFICIAL_PREFIX = 'library/';
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const IPV6_LITERAL = '\\[[a-fA-F0-9:]+\\]';
const REGISTRY = new RegExp(`^(${DOMAIN_NAME}|${IPV6_LITERAL})(?::([0-9]+))?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;
const WHITESPACE = /\s/;
class ImageReference {
    registry;
    repository;
    tag;
    digest;
    hostname;
    port;
    constructor(registry, repository, tag, digest, hostname, port) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
        this.hostname = hostname;
        this.port = port;
    }
    static parse(input) {
        if (typeof input !== 'string' || input.length === 0) {
            throw new errors_1.InvalidImageReferenceError('Image reference is empty.');
        }
        if (input.length > exports.MAX_IMAGE_REFERENCE_LENGTH) {
            throw new errors_1.InvalidImageReferenceError(`Image reference is too long (${input.length} characters, at most ${exports.MAX_IMAGE_REFERENCE_LENGTH}).`);
        }
        if (WHITESPACE.test(input)) {
            throw new errors_1.InvalidImageReferenceError('Image reference must not contain whitespace.');
        }
        if (SCHEME.test(input)) {
            throw new errors_1.InvalidImageReferenceError(`Image reference must not include a URL scheme: omit the scheme and write e.g. "${input.replace(SCHEME, '')}".`);
        }
        const { nameAndTag, digest } = splitDigest(input);
        const slash = nameAndTag.indexOf('/');
        if (slash === -1) {
            throw new errors_1.InvalidImageReferenceError(notQualifiedMessage(input, nameAndTag));
        }
        const registry = nameAndTag.slice(0, slash);
        if (!looksLikeRegistry(registry)) {
            throw new errors_1.InvalidImageReferenceError(`Image reference "${input}" must start with a registry host; for Docker Hub write "docker.io/${input}".`);
        }
        const { hostname, port } = parseRegistry(registry);
        const { repository, tag } = splitTag(nameAndTag.slice(slash + 1));
        validateRepository(repository);
        if (tag === undefined && digest === undefined) {
            throw new errors_1.InvalidImageReferenceError(`Image reference "${input}" must include a tag or a digest, e.g. "${input}:1.0" or "${input}@sha256:<digest>".`);
        }
        return new ImageReference(registry, repository, tag, digest, hostname, port);
    }
    get isDockerHub() {
        return DOCKER_HUB_REGISTRIES.has(this.registry.toLowerCase());
    }
    get apiHost() {
        return this.isDockerHub ? DOCKER_HUB_API_HOST : this.registry;
    }
    get apiRepository() {
        if (this.isDockerHub && !this.repository.includes('/')) {
            return DOCKER_HUB_OFFICIAL_PREFIX + this.repository;
        }
        return this.repository;
    }
    get reference() {
        return (this.digest ?? this.tag);
    }
    get digestAlgorithm() {
        return this.digest?.split(':', 1)[0];
    }
    toString() {
        let out = `${this.registry}/${this.repository}`;
        if (this.tag !== undefined)
            out += `:${this.tag}`;
        if (this.digest !== undefined)
            out += `@${this.digest}`;
        return out;
    }
    toJSON() {
        return this.toString();
    }
}
exports.ImageReference = ImageReference;
function splitDigest(input) {
    const at = input.indexOf('@');
    if (at === -1)
        return { nameAndTag: input, digest: undefined };
    if (input.indexOf('@', at + 1) !== -1) {
        throw new errors_1.InvalidImageReferenceError('Image reference must contain at most one "@" (before the digest).');
    }
    const digest = input.slice(at + 1);
    validateDigest(digest);
    return { nameAndTag: input.slice(0, at), digest };
}
function validateDigest(digest) {
    const colon = digest.indexOf(':');
    if (colon <= 0) {
        throw new errors_1.InvalidImageReferenceError(`Digest "${digest}" is malformed; expected "sha256:" followed by 64 lowercase hex characters.`);
    }
    const algorithm = digest.slice(0, colon);
    const hex = digest.slice(colon + 1);
    if (!Object.hasOwn(digest_1.SUPPORTED_DIGEST_ALGORITHMS, algorithm)) {
        throw new errors_1.InvalidImageReferenceError(`Digest algorithm "${algorithm}" is not supported; use sha256 or sha512.`);
    }
    const expectedLength = digest_1.SUPPORTED_DIGEST_ALGORITHMS[algorithm];
    if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length !== expectedLength) {
        throw new errors_1.InvalidImageReferenceError(`Digest "${digest}" is malformed; a ${algorithm} digest has ${expectedLength} hex characters.`);
    }
    if (hex !== hex.toLowerCase()) {
        throw new errors_1.InvalidImageReferenceError(`Digest "${digest}" must use lowercase hex characters.`);
    }
}
function notQualifiedMessage(input, nameAndTag) {
    const colon = nameAndTag.indexOf(':');
    const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
    const afterColon = colon === -1 ? '' : nameAndTag.slice(colon + 1);
    const isBareHost = (name.includes('.') || name === 'localhost') && /^[0-9]*$/.test(afterColon);
    if (isBareHost) {
        return `Image reference "${input}" has no repository; write "registry/repository:tag", e.g. "${name}/myorg/app:1.0".`;
    }
    return `Image reference "${input}" must include the registry host; for a Docker Hub image write "docker.io/library/${input}".`;
}
function looksLikeRegistry(component) {
    return component === 'localhost' || component.includes('.') || component.includes(':');
}
function parseRegistry(registry) {
    const match = REGISTRY.exec(registry);
    if (!match) {
        const hint = !registry.startsWith('[') && registry.split(':').length > 2
            ? ' IPv6 addresses must be written in brackets, e.g. "[::1]:5000".'
            : '';
        throw new errors_1.InvalidImageReferenceError(`Registry host "${registry}" is not a valid host name or address.${hint}`);
    }
    const host = match[1];
    const hostname = host.startsWith('[') ? host.slice(1, -1) : host;
    if (host.startsWith('[') && !(0, node_net_1.isIPv6)(hostname)) {
        throw new errors_1.InvalidImageReferenceError(`Registry host "${registry}" is not a valid IPv6 address.`);
    }
    let port;
    if (match[2] !== undefined) {
        port = Number(match[2]);
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
            throw new errors_1.InvalidImageReferenceError(`Registry port in "${registry}" must be between 1 and 65535.`);
        }
    }
    return { hostname, port };
}
function splitTag(pathAndTag) {
    const colon = pathAndTag.indexOf(':');
    if (colon === -1)
        return { repository: pathAndTag, tag: undefined };
    const tag = pathAndTag.slice(colon + 1);
    if (!TAG.test(tag)) {
        throw new errors_1.InvalidImageReferenceError(`Tag "${tag}" is invalid; a tag has 1 to 128 characters from letters, digits, "_", "." and "-", and does not start with "." or "-".`);
    }
    return { repository: pathAndTag.slice(0, colon), tag };
}
function validateRepository(repository) {
    if (repository.length === 0) {
        throw new errors_1.InvalidImageReferenceError('Image reference has no repository path after the registry host.');
    }
    if (repository.length > exports.MAX_REPOSITORY_LENGTH) {
        throw new errors_1.InvalidImageReferenceError(`Repository path is too long (${repository.length} characters, at most ${exports.MAX_REPOSITORY_LENGTH}).`);
    }
    if (repository !== repository.toLowerCase()) {
        throw new errors_1.InvalidImageReferenceError(`Repository "${repository}" must be lowercase (try "${repository.toLowerCase()}").`);
    }
    for (const component of repository.split('/')) {
        if (component.length === 0) {
            throw new errors_1.InvalidImageReferenceError(`Repository "${repository}" has an empty path component ("//" or a trailing "/").`);
        }
        if (!PATH_COMPONENT.test(component)) {
            throw new errors_1.InvalidImageReferenceError(`Repository path component "${component}" is invalid; use lowercase letters and digits, separated by ".", "_", "__" or "-".`);
        }
    }
}
//# sourceMappingURL=image-reference.js.map