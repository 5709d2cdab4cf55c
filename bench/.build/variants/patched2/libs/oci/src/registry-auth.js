"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RegistryAuthenticator = void 0;
exports.authSchemeFromChallenges = authSchemeFromChallenges;
exports.basicAuthorization = basicAuthorization;
exports.credentialIdentity = credentialIdentity;
const node_crypto_1 = require("node:crypto");
const deadline_1 = require("./deadline");
const errors_1 = require("./errors");
const expiring_cache_1 = require("./expiring-cache");
const registry_response_1 = require("./registry-response");
const www_authenticate_1 = require("./www-authenticate");
function authSchemeFromChallenges(challenges) {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) {
        return { kind: 'bearer', realm: bearer.params.realm, ...(bearer.params.service ? { service: bearer.params.service } : {}) };
    }
    if (challenges.some((c) => c.scheme === 'basic'))
        return { kind: 'basic' };
    return undefined;
}
function basicAuthorization(credentials) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}
const CREDENTIAL_KEY = (0, node_crypto_1.randomBytes)(32);
function credentialIdentity(credentials) {
    if (!credentials)
        return 'anonymous';
    return (0, node_crypto_1.createHmac)('sha256', CREDENTIAL_KEY)
        .update(credentials.username)
        .update('\0')
        .update(credentials.password)
        .digest('base64url');
}
const SCHEME_TTL_MS = 10 * 60 * 1000;
const DEFAULT_TOKEN_LIFETIME_S = 60;
const TOKEN_EXPIRY_MARGIN_MS = 10_000;
const TOKEN_BODY_LIMIT_BYTES = 1024 * 1024;
const MAX_CACHED_TOKENS = 10_000;
const MAX_CACHED_SCHEMES = 1_000;
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;
class RegistryAuthenticator {
    transport;
    options;
    schemes;
    tokens;
    constructor(transport, options) {
        this.transport = transport;
        this.options = options;
        this.schemes = new expiring_cache_1.ExpiringCache(MAX_CACHED_SCHEMES, options.clock);
        this.tokens = new expiring_cache_1.ExpiringCache(MAX_CACHED_TOKENS, options.clock);
    }
    async authScheme(baseUrl, signal) {
        const load = () => this.shared(`Ping of ${baseUrl.host}`, (sharedSignal) => this.ping(baseUrl, sharedSignal));
        const { value } = await (0, deadline_1.raceWithSignal)(this.schemes.getOrLoad(baseUrl.href, load), signal);
        return value;
    }
    rememberAuthScheme(baseUrl, scheme) {
        this.schemes.set(baseUrl.href, scheme, SCHEME_TTL_MS);
    }
    async bearerToken(request) {
        const { scheme, registryHost, scope, credentials } = request;
        const key = [registryHost, scheme.realm, scheme.service ?? '', scope, credentialIdentity(credentials)].join('\n');
        if (request.fresh)
            this.tokens.delete(key);
        const load = () => this.shared(`Token request to ${safeHost(scheme.realm)}`, (signal) => this.fetchToken(request, signal));
        const { value, cached } = await (0, deadline_1.raceWithSignal)(this.tokens.getOrLoad(key, load), request.signal);
        return { token: value, cached };
    }
    async shared(what, run) {
        const deadline = new deadline_1.Deadline(this.options.requestTimeoutMs, what);
        try {
            return await run(deadline.signal);
        }
        finally {
            deadline.clear();
        }
    }
    async ping(baseUrl, signal) {
        const response = await this.transport.request({
            method: 'GET',
            url: baseUrl,
            maxBodyBytes: TOKEN_BODY_LIMIT_BYTES,
            onBodyTooLarge: () => new errors_1.RegistryError('registry_error', `The registry at ${baseUrl.host} sent an oversized /v2/ response.`),
            signal,
        });
        if (response.status >= 200 && response.status < 300)
            return { value: { kind: 'anonymous' }, ttlMs: SCHEME_TTL_MS };
        if (response.status === 401) {
            const challenges = (0, www_authenticate_1.parseWwwAuthenticate)(response.headers['www-authenticate']);
            return { value: authSchemeFromChallenges(challenges) ?? { kind: 'basic' }, ttlMs: SCHEME_TTL_MS };
        }
        throw (0, registry_response_1.pingErrorFor)(response, this.options.clock());
    }
    async fetchToken(request, signal) {
        const { scheme, credentials, failureContext } = request;
        let url;
        try {
            url = new URL(scheme.realm);
        }
        catch {
            throw new errors_1.RegistryError('registry_error', `The registry announced an invalid token service URL.`);
        }
        if (scheme.service)
            url.searchParams.set('service', scheme.service);
        url.searchParams.set('scope', request.scope);
        const response = await this.transport.request({
            method: 'GET',
            url,
            headers: { Accept: 'application/json' },
            authorization: credentials ? basicAuthorization(credentials) : undefined,
            maxBodyBytes: TOKEN_BODY_LIMIT_BYTES,
            onBodyTooLarge: () => new errors_1.RegistryError('registry_error', `The token service at ${url.host} sent an oversized response.`),
            signal,
        });
        if (response.status < 200 || response.status >= 300) {
            throw (0, registry_response_1.registryErrorFor)(response, { kind: 'token' }, { ...failureContext, now: this.options.clock() });
        }
        return parseTokenResponse(response);
    }
}
exports.RegistryAuthenticator = RegistryAuthenticator;
function parseTokenResponse(response) {
    let document;
    try {
        const parsed = JSON.parse(response.body.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null)
            document = parsed;
    }
    catch {
        document = undefined;
    }
    const token = typeof document?.token === 'string' && document.token ? document.token : document?.access_token;
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) {
        throw new errors_1.RegistryError('registry_error', `The token service at ${response.url.host} did not return a usable token.`);
    }
    const expiresIn = document?.expires_in;
    const lifetimeMs = (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_S) * 1000;
    const margin = Math.min(TOKEN_EXPIRY_MARGIN_MS, lifetimeMs / 2);
    return { value: token, ttlMs: lifetimeMs - margin };
}
function safeHost(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return 'the token service';
    }
}
//# sourceMappingURL=registry-auth.js.map