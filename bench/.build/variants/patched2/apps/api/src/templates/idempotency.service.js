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
Object.defineProperty(exports, "__esModule", { value: true });
exports.IdempotencyService = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const common_2 = require("../../../../libs/common/src");
const crypto_1 = require("../../../../libs/crypto/src");
const db_1 = require("../../../../libs/db/src");
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
let IdempotencyService = class IdempotencyService {
    keys;
    templates;
    cipher;
    constructor(keys, templates, cipher) {
        this.keys = keys;
        this.templates = templates;
        this.cipher = cipher;
    }
    static parseKey(raw) {
        if (raw === undefined)
            return undefined;
        if (typeof raw !== 'string' || !KEY_PATTERN.test(raw)) {
            throw common_2.DomainError.validation('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
        }
        return raw;
    }
    async run(orgId, caller, key, request, create) {
        const scope = { orgId, callerSubject: caller.subject, key };
        const fingerprint = fingerprintOf(request);
        const claim = await this.keys.claim(scope, fingerprint);
        if (claim.state === 'in_progress') {
            throw new common_2.DomainError(common_2.ErrorCode.Conflict, 'A request with this Idempotency-Key is still in progress; retry shortly');
        }
        if (claim.state === 'completed') {
            const body = claim.body;
            if (claim.requestHash !== fingerprint || !(await this.sameToken(orgId, body.id, request))) {
                throw new common_2.DomainError(common_2.ErrorCode.IdempotencyMismatch, 'This Idempotency-Key was already used with a different request body');
            }
            return { status: claim.status, body, replayed: true };
        }
        let body;
        try {
            body = await create();
        }
        catch (error) {
            await this.keys.release(scope);
            throw error;
        }
        await this.keys.complete(scope, 201, body);
        return { status: 201, body, replayed: false };
    }
    async sameToken(orgId, templateId, request) {
        if (!request.credentials)
            return true;
        const ciphertext = await this.templates.findTokenCiphertext(orgId, templateId);
        if (!ciphertext)
            return true;
        const stored = await this.cipher.decrypt(ciphertext, { orgId, templateId });
        return (0, node_crypto_1.timingSafeEqual)(sha256(stored), sha256(request.credentials.token));
    }
};
exports.IdempotencyService = IdempotencyService;
exports.IdempotencyService = IdempotencyService = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [db_1.IdempotencyRepository,
        db_1.TemplateRepository,
        crypto_1.RegistryTokenCipher])
], IdempotencyService);
function fingerprintOf(request) {
    const canonical = JSON.stringify([
        request.name,
        request.description,
        request.category,
        request.image.toString(),
        request.credentials?.username ?? null,
        request.credentials ? 'token' : null,
    ]);
    return sha256(canonical).toString('hex');
}
function sha256(value) {
    return (0, node_crypto_1.createHash)('sha256').update(value, 'utf8').digest();
}
//# sourceMappingURL=idempotency.service.js.map