"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RegistryClient = exports.DEFAULT_REGISTRY_TIMEOUTS = void 0;
const content_cache_1 = require("./content-cache");
const deadline_1 = require("./deadline");
const egress_policy_1 = require("./egress-policy");
const errors_1 = require("./errors");
const http_transport_1 = require("./http-transport");
const image_inspection_1 = require("./image-inspection");
const image_reference_1 = require("./image-reference");
const registry_auth_1 = require("./registry-auth");
const registry_session_1 = require("./registry-session");
exports.DEFAULT_REGISTRY_TIMEOUTS = {
    connectTimeoutMs: 5_000,
    headersTimeoutMs: 10_000,
    totalTimeoutMs: 60_000,
};
const DEFAULT_USER_AGENT = 'airuntime-template-validator/1.0';
const DEFAULT_CONTENT_CACHE_BYTES = 32 * 1024 * 1024;
class RegistryClient {
    transport;
    authenticator;
    contentCache;
    egress;
    timeouts;
    clock;
    constructor(options) {
        this.timeouts = { ...exports.DEFAULT_REGISTRY_TIMEOUTS, ...options.timeouts };
        this.clock = options.clock ?? Date.now;
        this.egress = new egress_policy_1.EgressPolicy(options.egress);
        this.transport = new http_transport_1.HttpTransport({
            egress: this.egress,
            timeouts: this.timeouts,
            userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
            caPem: options.caPem,
            resolver: options.resolver,
            maxSocketsPerHost: options.maxSocketsPerHost,
            clock: this.clock,
        });
        this.authenticator = new registry_auth_1.RegistryAuthenticator(this.transport, {
            clock: this.clock,
            requestTimeoutMs: this.timeouts.totalTimeoutMs,
        });
        this.contentCache = new content_cache_1.ContentCache(options.contentCacheBytes ?? DEFAULT_CONTENT_CACHE_BYTES);
    }
    async validateImage(image, credentials, signal) {
        const ref = typeof image === 'string' ? parseReference(image) : image;
        checkCredentials(credentials);
        const deadline = new deadline_1.Deadline(this.timeouts.totalTimeoutMs, `Validating ${ref.toString()}`, signal);
        try {
            const deps = { transport: this.transport, authenticator: this.authenticator, contentCache: this.contentCache, clock: this.clock };
            const session = new registry_session_1.RepositorySession(deps, this.apiBaseUrl(ref), ref, credentials, deadline.signal);
            return await (0, image_inspection_1.inspectImage)(session, ref);
        }
        finally {
            deadline.clear();
        }
    }
    close() {
        this.transport.close();
    }
    apiBaseUrl(ref) {
        const url = new URL(`https://${ref.apiHost}/v2/`);
        const hostname = url.hostname.replace(/^\[|\]$/g, '');
        const plainHttpPort = url.port ? Number(url.port) : 80;
        if (this.egress.allowsPlainHttp(hostname, plainHttpPort))
            url.protocol = 'http:';
        return url;
    }
}
exports.RegistryClient = RegistryClient;
function parseReference(image) {
    try {
        return image_reference_1.ImageReference.parse(image);
    }
    catch (error) {
        if (error instanceof errors_1.InvalidImageReferenceError)
            throw new errors_1.RegistryError('invalid_reference', error.message);
        throw error;
    }
}
function checkCredentials(credentials) {
    if (!credentials)
        return;
    if (credentials.username === '' || credentials.password === '') {
        throw new errors_1.RegistryError('invalid_credentials', 'Both a registry username and a token are required when credentials are given.');
    }
    if (credentials.username.includes(':')) {
        throw new errors_1.RegistryError('invalid_credentials', 'The registry username must not contain ":".');
    }
}
//# sourceMappingURL=registry-client.js.map