"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SUPPORTED_DIGEST_ALGORITHMS = void 0;
exports.parseDigest = parseDigest;
exports.computeDigest = computeDigest;
exports.verifyDigest = verifyDigest;
const node_crypto_1 = require("node:crypto");
const errors_1 = require("./errors");
exports.SUPPORTED_DIGEST_ALGORITHMS = { sha256: 64, sha512: 128 };
function parseDigest(digest) {
    const colon = digest.indexOf(':');
    const algorithm = digest.slice(0, colon);
    const hex = digest.slice(colon + 1);
    if (!Object.hasOwn(exports.SUPPORTED_DIGEST_ALGORITHMS, algorithm))
        return undefined;
    const length = exports.SUPPORTED_DIGEST_ALGORITHMS[algorithm];
    if (hex.length !== length || !/^[0-9a-f]+$/.test(hex))
        return undefined;
    return { algorithm: algorithm, hex };
}
function computeDigest(content, algorithm = 'sha256') {
    return `${algorithm}:${(0, node_crypto_1.createHash)(algorithm).update(content).digest('hex')}`;
}
function verifyDigest(content, expected, what) {
    const parsed = parseDigest(expected);
    if (!parsed) {
        throw new errors_1.RegistryError('unsupported_manifest', `The ${what} is referenced by digest "${truncate(expected)}", which is not a sha256 or sha512 digest.`);
    }
    const actual = computeDigest(content, parsed.algorithm);
    if (actual !== expected) {
        throw new errors_1.RegistryError('digest_mismatch', `The registry returned a ${what} whose content does not match digest ${expected} (got ${actual}).`);
    }
}
function truncate(text) {
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
//# sourceMappingURL=digest.js.map