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
exports.TemplatesService = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const config_1 = require("../../../../libs/config/src");
const common_2 = require("../../../../libs/common/src");
const crypto_1 = require("../../../../libs/crypto/src");
const db_1 = require("../../../../libs/db/src");
const oci_1 = require("../../../../libs/oci/src");
const queue_1 = require("../../../../libs/queue/src");
const list_templates_query_1 = require("./dto/list-templates.query");
const template_response_1 = require("./dto/template.response");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let TemplatesService = class TemplatesService {
    config;
    templates;
    cipher;
    validationQueue;
    metrics;
    constructor(config, templates, cipher, validationQueue, metrics) {
        this.config = config;
        this.templates = templates;
        this.cipher = cipher;
        this.validationQueue = validationQueue;
        this.metrics = metrics;
    }
    async create(orgId, caller, request) {
        const id = (0, node_crypto_1.randomUUID)();
        const ciphertext = request.credentials
            ? await this.cipher.encrypt(request.credentials.token, { orgId, templateId: id })
            : null;
        const template = await this.templates.create({
            id,
            orgId,
            name: request.name,
            description: request.description,
            category: request.category,
            image: request.image.toString(),
            ociRegistryUsername: request.credentials?.username ?? null,
            ociRegistryTokenCiphertext: ciphertext,
            createdBy: caller.userId,
        }, this.config.templates.quotaPerOrg);
        this.metrics.templatesCreated.inc();
        await this.validationQueue.enqueue(id);
        return { ...(0, template_response_1.toResponse)(template), warnings: (0, oci_1.credentialWarnings)(request.image, request.credentials) };
    }
    async list(orgId, query) {
        const page = await this.templates.listInOrg(orgId, { ...query, limit: query.limit + 1 });
        const hasMore = page.length > query.limit;
        const items = hasMore ? page.slice(0, query.limit) : page;
        const last = items[items.length - 1];
        return { data: items.map(template_response_1.toResponse), next_cursor: hasMore && last ? (0, list_templates_query_1.encodeCursor)(last) : null };
    }
    async get(orgId, templateId) {
        const template = UUID.test(templateId) ? await this.templates.findInOrg(orgId, templateId) : null;
        if (!template)
            throw common_2.DomainError.notFound();
        return (0, template_response_1.toResponse)(template);
    }
    async update(orgId, templateId, request) {
        if (!UUID.test(templateId))
            throw common_2.DomainError.notFound();
        const ciphertext = request.token ? await this.cipher.encrypt(request.token, { orgId, templateId }) : null;
        const result = await this.templates.update(orgId, templateId, (current) => planUpdate(request, current, ciphertext));
        if (!result)
            throw common_2.DomainError.notFound();
        if (result.revalidate)
            await this.validationQueue.enqueue(templateId);
        const image = request.image ?? oci_1.ImageReference.parse(result.template.image);
        const credentials = result.template.ociRegistryUsername && request.token
            ? { username: result.template.ociRegistryUsername, token: request.token }
            : null;
        return { ...(0, template_response_1.toResponse)(result.template), warnings: (0, oci_1.credentialWarnings)(image, credentials) };
    }
    async requestValidation(orgId, templateId) {
        const result = UUID.test(templateId) ? await this.templates.requestValidation(orgId, templateId) : null;
        if (!result)
            throw common_2.DomainError.notFound();
        if (result.queued)
            await this.validationQueue.enqueue(templateId);
        return (0, template_response_1.toResponse)(result.template);
    }
    async delete(orgId, templateId) {
        const deleted = UUID.test(templateId) && (await this.templates.deleteInOrg(orgId, templateId));
        if (!deleted)
            throw common_2.DomainError.notFound();
        await this.validationQueue.remove(templateId);
        return { message: 'Template deleted' };
    }
};
exports.TemplatesService = TemplatesService;
exports.TemplatesService = TemplatesService = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(4, (0, common_1.Inject)(common_2.METRICS)),
    __metadata("design:paramtypes", [Object, db_1.TemplateRepository,
        crypto_1.RegistryTokenCipher,
        queue_1.ValidationQueueProducer,
        common_2.ServiceMetrics])
], TemplatesService);
function planUpdate(request, current, ciphertext) {
    const update = {
        name: request.name,
        description: request.description,
        category: request.category,
        image: request.image?.toString(),
    };
    if (request.username === null) {
        update.credentials = null;
    }
    else if (request.username !== undefined || request.token !== undefined) {
        const username = request.username ?? current.ociRegistryUsername;
        if (!username)
            throw common_2.DomainError.validation('oci_registry_username', 'is required when oci_registry_token is set');
        if (!ciphertext && !current.hasRegistryToken) {
            throw common_2.DomainError.validation('oci_registry_token', 'is required when oci_registry_username is set');
        }
        update.credentials = { username, ciphertext };
    }
    return update;
}
//# sourceMappingURL=templates.service.js.map