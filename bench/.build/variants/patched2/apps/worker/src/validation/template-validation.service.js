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
exports.TemplateValidationService = exports.RetryableValidationError = void 0;
const common_1 = require("@nestjs/common");
const common_2 = require("../../../../libs/common/src");
const crypto_1 = require("../../../../libs/crypto/src");
const db_1 = require("../../../../libs/db/src");
const oci_1 = require("../../../../libs/oci/src");
class RetryableValidationError extends Error {
    info;
    retryAfterMs;
    constructor(info, retryAfterMs) {
        super(info.message);
        this.info = info;
        this.retryAfterMs = retryAfterMs;
        this.name = 'RetryableValidationError';
    }
}
exports.RetryableValidationError = RetryableValidationError;
let TemplateValidationService = class TemplateValidationService {
    templates;
    cipher;
    registry;
    logger;
    metrics;
    constructor(templates, cipher, registry, logger, metrics) {
        this.templates = templates;
        this.cipher = cipher;
        this.registry = registry;
        this.logger = logger;
        this.metrics = metrics;
    }
    async validate(templateId, attempt) {
        const template = await this.templates.findForValidation(templateId);
        if (!template)
            return this.skipped(templateId, 'missing');
        if (!(await this.templates.claimForValidation(template.id, template.specVersion))) {
            return this.skipped(templateId, 'not_pending');
        }
        const started = performance.now();
        let report;
        try {
            report = withDrift(await this.registry.validateImage(template.image, await this.credentials(template)), template);
        }
        catch (error) {
            return this.handleFailure(template, toErrorInfo(error), attempt, started, error.retryAfterMs);
        }
        const flipped = await this.templates.recordPassed(template.id, template.specVersion, { ...report }, report.apps);
        if (!flipped)
            return this.skipped(templateId, 'stale');
        this.finished(template.id, 'passed', null, started, attempt);
        return { outcome: 'passed' };
    }
    onApplicationShutdown() {
        this.registry.close();
    }
    async credentials(template) {
        if (!template.ociRegistryTokenCiphertext || !template.ociRegistryUsername)
            return undefined;
        const password = await this.cipher.decrypt(template.ociRegistryTokenCiphertext, {
            orgId: template.orgId,
            templateId: template.id,
        });
        return { username: template.ociRegistryUsername, password };
    }
    async handleFailure(template, info, attempt, started, retryAfterMs) {
        if (info.retryable && attempt.number < attempt.max) {
            await this.templates.recordRetrying(template.id, template.specVersion, info);
            this.finished(template.id, 'retrying', info.code, started, attempt);
            throw new RetryableValidationError(info, retryAfterMs);
        }
        const recorded = await this.templates.recordFailed(template.id, template.specVersion, info, !info.retryable);
        if (!recorded)
            return this.skipped(template.id, 'stale');
        this.finished(template.id, 'failed', info.code, started, attempt);
        return { outcome: 'failed' };
    }
    finished(templateId, outcome, code, started, attempt) {
        const seconds = (performance.now() - started) / 1000;
        this.metrics.validations.inc({ outcome, code: code ?? 'none' });
        this.metrics.validationDuration.observe({ outcome }, seconds);
        this.logger.info({ templateId, outcome, code, durationMs: Math.round(seconds * 1000), attempt: attempt.number }, 'validation finished');
    }
    skipped(templateId, reason) {
        this.metrics.validations.inc({ outcome: 'skipped', code: reason });
        this.logger.info({ templateId, outcome: 'skipped', reason }, 'validation skipped');
        return { outcome: 'skipped', reason };
    }
};
exports.TemplateValidationService = TemplateValidationService;
exports.TemplateValidationService = TemplateValidationService = __decorate([
    (0, common_1.Injectable)(),
    __param(3, (0, common_1.Inject)(common_2.LOGGER)),
    __param(4, (0, common_1.Inject)(common_2.METRICS)),
    __metadata("design:paramtypes", [db_1.TemplateRepository,
        crypto_1.RegistryTokenCipher,
        oci_1.RegistryClient, Object, common_2.ServiceMetrics])
], TemplateValidationService);
function toErrorInfo(error) {
    if (error instanceof oci_1.RegistryError)
        return { code: error.code, message: error.message, retryable: error.retryable };
    if (error instanceof crypto_1.TokenDecryptionError) {
        return {
            code: 'credentials_unreadable',
            message: 'The stored registry token could not be decrypted; set the token again',
            retryable: false,
        };
    }
    throw error;
}
function withDrift(report, template) {
    const previous = template.validationReport;
    if (!previous?.resolved_digest)
        return report;
    if (previous.resolved_digest !== report.resolved_digest) {
        return { ...report, previous_digest: previous.resolved_digest, digest_changed_at: new Date().toISOString() };
    }
    const { previous_digest, digest_changed_at } = previous;
    return previous_digest ? { ...report, previous_digest, digest_changed_at } : report;
}
//# sourceMappingURL=template-validation.service.js.map