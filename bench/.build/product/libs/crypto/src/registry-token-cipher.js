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
Object.defineProperty(exports, "__esModule", { value: true });
exports.RegistryTokenCipher = exports.TOKEN_KEYRINGS = exports.TokenDecryptionError = void 0;
exports.rawAesKeyrings = rawAesKeyrings;
exports.keyringsFromConfig = keyringsFromConfig;
const common_1 = require("@nestjs/common");
const client_node_1 = require("@aws-crypto/client-node");
const dev_token_key_1 = require("./dev-token-key");
class TokenDecryptionError extends Error {
    constructor(reason) {
        super(`Stored registry token could not be decrypted: ${reason}`);
        this.name = 'TokenDecryptionError';
    }
}
exports.TokenDecryptionError = TokenDecryptionError;
const PURPOSE = 'oci-registry-token';
const KEY_NAMESPACE = 'airuntime-templates';
const MAX_ENCRYPTED_DATA_KEYS = 3;
const ALGORITHM_SUITE = client_node_1.AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
exports.TOKEN_KEYRINGS = Symbol('TOKEN_KEYRINGS');
let RegistryTokenCipher = class RegistryTokenCipher {
    keyrings;
    client = (0, client_node_1.buildClient)({
        commitmentPolicy: client_node_1.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
        maxEncryptedDataKeys: MAX_ENCRYPTED_DATA_KEYS,
    });
    constructor(keyrings) {
        this.keyrings = keyrings;
    }
    async encrypt(token, context) {
        const { result } = await this.client.encrypt(this.keyrings.encrypt, Buffer.from(token, 'utf8'), {
            encryptionContext: encryptionContext(context),
            suiteId: ALGORITHM_SUITE,
        });
        return result;
    }
    async decrypt(ciphertext, context) {
        let plaintext;
        let stored;
        try {
            const { plaintext: bytes, messageHeader } = await this.client.decrypt(this.keyrings.decrypt, ciphertext);
            plaintext = bytes;
            stored = messageHeader.encryptionContext;
        }
        catch (error) {
            throw new TokenDecryptionError(error.message);
        }
        const expected = encryptionContext(context);
        for (const [key, value] of Object.entries(expected)) {
            if (stored[key] !== value)
                throw new TokenDecryptionError(`encryption context "${key}" does not match this template`);
        }
        return plaintext.toString('utf8');
    }
    async reencryptUnderPrimary(ciphertext, context) {
        if (await this.opensWith(this.keyrings.encrypt, ciphertext))
            return null;
        return this.encrypt(await this.decrypt(ciphertext, context), context);
    }
    async opensWith(keyring, ciphertext) {
        try {
            await this.client.decrypt(keyring, ciphertext);
            return true;
        }
        catch {
            return false;
        }
    }
};
exports.RegistryTokenCipher = RegistryTokenCipher;
exports.RegistryTokenCipher = RegistryTokenCipher = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(exports.TOKEN_KEYRINGS)),
    __metadata("design:paramtypes", [Object])
], RegistryTokenCipher);
function encryptionContext({ orgId, templateId }) {
    return { org_id: orgId, template_id: templateId, purpose: PURPOSE };
}
function rawAesKeyring({ id, key }) {
    return new client_node_1.RawAesKeyringNode({
        keyName: id,
        keyNamespace: KEY_NAMESPACE,
        unencryptedMasterKey: new Uint8Array(key),
        wrappingSuite: client_node_1.RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
}
function anyOf(keyrings) {
    return keyrings.length === 1 ? keyrings[0] : new client_node_1.MultiKeyringNode({ children: keyrings });
}
function rawAesKeyrings(keys) {
    const keyrings = keys.map(rawAesKeyring);
    return { encrypt: keyrings[0], decrypt: anyOf(keyrings), primaryKeyName: keys[0].id };
}
async function keyringsFromConfig(config) {
    const { rawKeys, kmsKeyArn } = config.tokenEncryption;
    if (kmsKeyArn) {
        const kms = new client_node_1.KmsKeyringNode({ generatorKeyId: kmsKeyArn });
        return { encrypt: kms, decrypt: anyOf([kms, ...rawKeys.map(rawAesKeyring)]), primaryKeyName: kmsKeyArn };
    }
    if (rawKeys.length > 0)
        return rawAesKeyrings(rawKeys);
    return rawAesKeyrings([await (0, dev_token_key_1.loadOrCreateDevKey)(config.dataDir)]);
}
//# sourceMappingURL=registry-token-cipher.js.map