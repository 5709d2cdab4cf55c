"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
var AccessTokenVerifier_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.AccessTokenVerifier = exports.JWKS_SOURCE = void 0;
const common_1 = require("@nestjs/common");
const node_fs_1 = require("node:fs");
const jose_1 = require("jose");
const config_1 = require("../../../config/src");
const domain_error_1 = require("../domain-error");
const dev_auth_keys_1 = require("./dev-auth-keys");
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
exports.JWKS_SOURCE = Symbol('JWKS_SOURCE');
let AccessTokenVerifier = AccessTokenVerifier_1 = class AccessTokenVerifier {
    config;
    getKey;
    issuer;
    constructor(config, source) {
        this.config = config;
        this.getKey = AccessTokenVerifier_1.keySet(source);
        this.issuer = config.auth.issuer ?? (source.jwksFile && !config.auth.jwksFile ? dev_auth_keys_1.DEV_ISSUER : undefined);
    }
    static keySet(source) {
        if (source.jwksUrl) {
            return (0, jose_1.createRemoteJWKSet)(new URL(source.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
        }
        if (!source.jwksFile)
            throw new config_1.ConfigError('AUTH_JWKS_FILE', 'or AUTH_JWKS_URL must be set');
        let jwks;
        try {
            jwks = JSON.parse((0, node_fs_1.readFileSync)(source.jwksFile, 'utf8'));
        }
        catch (error) {
            throw new config_1.ConfigError('AUTH_JWKS_FILE', `could not be read as a JWKS file: ${error.message}`);
        }
        if (!Array.isArray(jwks?.keys))
            throw new config_1.ConfigError('AUTH_JWKS_FILE', 'must hold a JSON object with a "keys" array');
        return (0, jose_1.createLocalJWKSet)(jwks);
    }
    async verify(authorization) {
        const token = this.extractToken(authorization);
        const cached = this.verifiedCache?.get(token);
        if (cached && cached.until > Date.now()) return cached.caller;
        let payload;
        try {
            ({ payload } = await (0, jose_1.jwtVerify)(token, this.getKey, {
                algorithms: ALLOWED_ALGORITHMS,
                issuer: this.issuer,
                audience: this.config.auth.audience,
                clockTolerance: 30,
            }));
        }
        catch (error) {
            if (error instanceof jose_1.errors.JWKSTimeout || error?.name === 'TypeError') {
                throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unavailable, 'Access token could not be verified right now; retry shortly');
            }
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unauthorized, describeJoseError(error));
        }
        const subject = typeof payload.sub === 'string' ? payload.sub : '';
        if (!subject)
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unauthorized, 'Access token has no subject (sub) claim');
        const orgsClaim = payload[this.config.auth.orgsClaim];
        const orgs = Array.isArray(orgsClaim) ? orgsClaim.filter((org) => typeof org === 'string') : [];
        const caller = { subject, userId: UUID.test(subject) ? subject.toLowerCase() : null, orgs: new Set(orgs) };
        this.verifiedCache ??= new Map();
        if (this.verifiedCache.size >= 10000) this.verifiedCache.clear();
        const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now();
        this.verifiedCache.set(token, { caller, until: Math.min(expiresAt, Date.now() + 60000) });
        return caller;
    }
    extractToken(authorization) {
        if (!authorization) {
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unauthorized, 'Missing Authorization header: send "Authorization: Bearer <access_token>"');
        }
        const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
        if (!match) {
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unauthorized, 'Authorization header must be "Bearer <access_token>"');
        }
        const token = match[1].trim();
        if (/^Bearer\s/i.test(token)) {
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unauthorized, 'Authorization header says "Bearer" twice: paste only the access_token, without prepending "Bearer"');
        }
        if (token.startsWith('sk-nc-')) {
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unauthorized, 'Inference keys (sk-nc-*) are not accepted here: use the access_token from POST /api/v1/auth/login');
        }
        if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Unauthorized, 'Access token is malformed: expected a JWT (three dot-separated parts)');
        }
        return token;
    }
};
exports.AccessTokenVerifier = AccessTokenVerifier;
exports.AccessTokenVerifier = AccessTokenVerifier = AccessTokenVerifier_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(1, (0, common_1.Inject)(exports.JWKS_SOURCE)),
    __metadata("design:paramtypes", [Object, Object])
], AccessTokenVerifier);
function describeJoseError(error) {
    if (error instanceof jose_1.errors.JWTExpired)
        return 'Access token has expired: log in again for a new access_token';
    if (error instanceof jose_1.errors.JWTClaimValidationFailed)
        return `Access token rejected: ${error.claim} claim is not valid`;
    if (error instanceof jose_1.errors.JOSEAlgNotAllowed)
        return 'Access token rejected: signing algorithm not allowed';
    if (error instanceof jose_1.errors.JWKSNoMatchingKey)
        return 'Access token rejected: signed by an unknown key';
    if (error instanceof jose_1.errors.JWSSignatureVerificationFailed)
        return 'Access token rejected: bad signature';
    return 'Access token is invalid';
}
//# sourceMappingURL=access-token-verifier.js.map