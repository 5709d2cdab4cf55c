"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RepositorySession = void 0;
const errors_1 = require("./errors");
const registry_auth_1 = require("./registry-auth");
const registry_response_1 = require("./registry-response");
const www_authenticate_1 = require("./www-authenticate");
const TAG_LIST_LIMIT_BYTES = 1024 * 1024;
class RepositorySession {
    deps;
    baseUrl;
    ref;
    credentials;
    signal;
    authorization;
    authSource;
    credentialsAccepted = false;
    reauthenticated = false;
    constructor(deps, baseUrl, ref, credentials, signal) {
        this.deps = deps;
        this.baseUrl = baseUrl;
        this.ref = ref;
        this.credentials = credentials;
        this.signal = signal;
    }
    headManifest(reference, accept) {
        return this.fetch('HEAD', `manifests/${reference}`, manifestTarget(reference), 0, accept);
    }
    getManifest(reference, accept, maxBytes) {
        return this.fetch('GET', `manifests/${reference}`, manifestTarget(reference), maxBytes, accept);
    }
    getBlob(digest, description, maxBytes) {
        return this.fetch('GET', `blobs/${digest}`, { kind: 'blob', description }, maxBytes);
    }
    async throwIfRepositoryUnknown() {
        try {
            await this.fetch('GET', 'tags/list?n=1', { kind: 'tag-list' }, TAG_LIST_LIMIT_BYTES);
        }
        catch (error) {
            if (error instanceof errors_1.RegistryError && error.code === 'repository_not_found')
                throw error;
        }
    }
    cachedContent(digest) {
        return this.deps.contentCache.get(this.contentKey(digest));
    }
    cacheContent(digest, content) {
        this.deps.contentCache.set(this.contentKey(digest), content);
    }
    contentKey(digest) {
        return `${this.baseUrl.href}${this.ref.apiRepository}@${digest}`;
    }
    async fetch(method, path, target, maxBytes, accept) {
        if (this.authSource === undefined) {
            await this.authorize(await this.deps.authenticator.authScheme(this.baseUrl, this.signal), false);
        }
        const url = new URL(`${this.ref.apiRepository}/${path}`, this.baseUrl);
        const send = () => this.deps.transport.request({
            method,
            url,
            headers: accept ? { Accept: accept } : {},
            authorization: this.authorization,
            maxBodyBytes: maxBytes,
            onBodyTooLarge: () => tooLarge(target, maxBytes),
            signal: this.signal,
        });
        let response = await send();
        if (response.status === 401 && !this.reauthenticated) {
            const scheme = (0, registry_auth_1.authSchemeFromChallenges)((0, www_authenticate_1.parseWwwAuthenticate)(response.headers['www-authenticate']));
            if (scheme && this.worthReauthenticating(scheme)) {
                this.reauthenticated = true;
                this.deps.authenticator.rememberAuthScheme(this.baseUrl, scheme);
                await this.authorize(scheme, true);
                response = await send();
            }
        }
        if (response.status < 200 || response.status >= 300) {
            throw (0, registry_response_1.registryErrorFor)(response, target, this.failureContext());
        }
        return response;
    }
    worthReauthenticating(scheme) {
        if (scheme.kind === 'bearer')
            return this.authSource !== 'fresh-token';
        if (scheme.kind === 'basic')
            return this.authSource === 'none' && this.credentials !== undefined;
        return false;
    }
    async authorize(scheme, fresh) {
        if (scheme.kind === 'bearer') {
            const { token, cached } = await this.deps.authenticator.bearerToken({
                scheme,
                registryHost: this.baseUrl.host,
                scope: `repository:${this.ref.apiRepository}:pull`,
                credentials: this.credentials,
                fresh,
                failureContext: this.failureContext(),
                signal: this.signal,
            });
            this.authorization = `Bearer ${token}`;
            this.authSource = cached ? 'cached-token' : 'fresh-token';
            this.credentialsAccepted = this.credentials !== undefined;
        }
        else if (scheme.kind === 'basic' && this.credentials) {
            this.authorization = (0, registry_auth_1.basicAuthorization)(this.credentials);
            this.authSource = 'basic';
        }
        else {
            this.authorization = undefined;
            this.authSource = 'none';
        }
    }
    failureContext() {
        const secrets = [this.credentials?.password, this.authorization?.replace(/^\S+\s+/, '')];
        return {
            registry: this.ref.registry,
            repository: `${this.ref.registry}/${this.ref.repository}`,
            hintHost: this.ref.hostname,
            hasCredentials: this.credentials !== undefined,
            credentialsAccepted: this.credentialsAccepted,
            secrets: secrets.filter((s) => s !== undefined),
            now: this.deps.clock(),
        };
    }
}
exports.RepositorySession = RepositorySession;
function manifestTarget(reference) {
    const description = reference.includes(':') ? `Manifest ${reference}` : `Tag "${reference}"`;
    return { kind: 'manifest', description };
}
function tooLarge(target, maxBytes) {
    const what = target.kind === 'blob' ? 'image configuration' : 'image manifest';
    return new errors_1.RegistryError('manifest_too_large', `The ${what} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, which this service does not accept.`);
}
//# sourceMappingURL=registry-session.js.map