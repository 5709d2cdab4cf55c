"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.issueDevToken = issueDevToken;
const node_crypto_1 = require("node:crypto");
const promises_1 = require("node:fs/promises");
const jose_1 = require("jose");
const common_1 = require("../../../libs/common/src");
async function issueDevToken(config, options) {
    if (!config.devMode)
        throw new Error('npm run token issues development tokens only; it is refused when NODE_ENV=production');
    if (config.auth.jwksFile || config.auth.jwksUrl) {
        throw new Error('AUTH_JWKS_FILE/AUTH_JWKS_URL is set: tokens come from your identity provider, not from npm run token');
    }
    const files = await (0, common_1.ensureDevAuthKeys)(config.dataDir);
    const jwk = JSON.parse(await (0, promises_1.readFile)(files.privateJwkFile, 'utf8'));
    const key = await (0, jose_1.importJWK)(jwk, 'ES256');
    const jwt = new jose_1.SignJWT({ [config.auth.orgsClaim]: options.orgs })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
        .setSubject(options.subject ?? (0, node_crypto_1.randomUUID)())
        .setIssuer(config.auth.issuer ?? common_1.DEV_ISSUER)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '12h');
    if (config.auth.audience)
        jwt.setAudience(config.auth.audience);
    return jwt.sign(key);
}
//# sourceMappingURL=dev-token.js.map