"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.createIdentityProvider = createIdentityProvider;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const path = __importStar(require("node:path"));
const jose_1 = require("jose");
const node_crypto_1 = require("node:crypto");
async function createIdentityProvider() {
    const dir = (0, node_fs_1.mkdtempSync)(path.join((0, node_os_1.tmpdir)(), 'idp-'));
    const { publicKey, privateKey } = await (0, jose_1.generateKeyPair)('RS256', { extractable: true });
    const foreign = await (0, jose_1.generateKeyPair)('RS256');
    const publicJwk = { ...(await (0, jose_1.exportJWK)(publicKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
    const jwksFile = path.join(dir, 'jwks.json');
    (0, node_fs_1.writeFileSync)(jwksFile, JSON.stringify({ keys: [publicJwk] }));
    const issuer = 'https://idp.test.local/';
    const audience = 'airuntime-templates';
    const sign = (key, kid, orgs, claims = {}) => new jose_1.SignJWT({ orgs })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject(claims.sub ?? (0, node_crypto_1.randomUUID)())
        .setIssuer(claims.issuer ?? issuer)
        .setAudience(claims.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(claims.expiresIn ?? '1h')
        .sign(key);
    return {
        jwksFile,
        issuer,
        audience,
        token: (orgs, claims) => sign(privateKey, 'test-1', orgs, claims),
        foreignToken: (orgs) => sign(foreign.privateKey, 'test-1', orgs),
    };
}
