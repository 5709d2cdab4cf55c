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
exports.DEV_ISSUER = void 0;
exports.devAuthKeyFiles = devAuthKeyFiles;
exports.ensureDevAuthKeys = ensureDevAuthKeys;
const promises_1 = require("node:fs/promises");
const path = __importStar(require("node:path"));
const jose_1 = require("jose");
exports.DEV_ISSUER = 'airuntime-templates-dev';
const KEY_ID = 'dev-es256';
function devAuthKeyFiles(dataDir) {
    const dir = path.join(dataDir, 'dev-auth');
    return { privateJwkFile: path.join(dir, 'private.jwk.json'), jwksFile: path.join(dir, 'jwks.json') };
}
async function ensureDevAuthKeys(dataDir) {
    const files = devAuthKeyFiles(dataDir);
    try {
        await (0, promises_1.readFile)(files.jwksFile);
        await (0, promises_1.readFile)(files.privateJwkFile);
        return files;
    }
    catch {
    }
    const { publicKey, privateKey } = await (0, jose_1.generateKeyPair)('ES256', { extractable: true });
    const publicJwk = { ...(await (0, jose_1.exportJWK)(publicKey)), kid: KEY_ID, alg: 'ES256', use: 'sig' };
    const privateJwk = { ...(await (0, jose_1.exportJWK)(privateKey)), kid: KEY_ID, alg: 'ES256' };
    await (0, promises_1.mkdir)(path.dirname(files.jwksFile), { recursive: true, mode: 0o700 });
    await (0, promises_1.writeFile)(files.privateJwkFile, JSON.stringify(privateJwk), { mode: 0o600 });
    await (0, promises_1.writeFile)(files.jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2));
    return files;
}
//# sourceMappingURL=dev-auth-keys.js.map