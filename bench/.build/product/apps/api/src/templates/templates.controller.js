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
exports.TemplatesController = void 0;
const common_1 = require("@nestjs/common");
const common_2 = require("../../../../libs/common/src");
const create_template_request_1 = require("./dto/create-template.request");
const list_templates_query_1 = require("./dto/list-templates.query");
const update_template_request_1 = require("./dto/update-template.request");
const idempotency_service_1 = require("./idempotency.service");
const templates_service_1 = require("./templates.service");
let TemplatesController = class TemplatesController {
    templates;
    idempotency;
    constructor(templates, idempotency) {
        this.templates = templates;
        this.idempotency = idempotency;
    }
    list(orgId, query) {
        return this.templates.list(orgId, (0, list_templates_query_1.parseListQuery)(query));
    }
    async create(orgId, caller, body, idempotencyKey, reply) {
        const request = (0, create_template_request_1.parseCreateTemplateRequest)(body);
        const key = idempotency_service_1.IdempotencyService.parseKey(idempotencyKey);
        if (key === undefined) {
            reply.code(201);
            return this.templates.create(orgId, caller, request);
        }
        const result = await this.idempotency.run(orgId, caller, key, request, () => this.templates.create(orgId, caller, request));
        reply.code(result.status).header('idempotent-replayed', String(result.replayed));
        return result.body;
    }
    get(orgId, templateId) {
        return this.templates.get(orgId, templateId);
    }
    update(orgId, templateId, body) {
        return this.templates.update(orgId, templateId, (0, update_template_request_1.parseUpdateTemplateRequest)(body));
    }
    validate(orgId, templateId) {
        return this.templates.requestValidation(orgId, templateId);
    }
    delete(orgId, templateId) {
        return this.templates.delete(orgId, templateId);
    }
};
exports.TemplatesController = TemplatesController;
__decorate([
    (0, common_1.Get)(),
    __param(0, (0, common_1.Param)('org_id')),
    __param(1, (0, common_1.Query)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", Promise)
], TemplatesController.prototype, "list", null);
__decorate([
    (0, common_1.Post)(),
    __param(0, (0, common_1.Param)('org_id')),
    __param(1, (0, common_2.CurrentCaller)()),
    __param(2, (0, common_1.Body)()),
    __param(3, (0, common_1.Headers)('idempotency-key')),
    __param(4, (0, common_1.Res)({ passthrough: true })),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object, Object, Object, Object]),
    __metadata("design:returntype", Promise)
], TemplatesController.prototype, "create", null);
__decorate([
    (0, common_1.Get)(':template_id'),
    __param(0, (0, common_1.Param)('org_id')),
    __param(1, (0, common_1.Param)('template_id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, String]),
    __metadata("design:returntype", Promise)
], TemplatesController.prototype, "get", null);
__decorate([
    (0, common_1.Patch)(':template_id'),
    __param(0, (0, common_1.Param)('org_id')),
    __param(1, (0, common_1.Param)('template_id')),
    __param(2, (0, common_1.Body)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, String, Object]),
    __metadata("design:returntype", Promise)
], TemplatesController.prototype, "update", null);
__decorate([
    (0, common_1.Post)(':template_id/validate'),
    (0, common_1.HttpCode)(202),
    __param(0, (0, common_1.Param)('org_id')),
    __param(1, (0, common_1.Param)('template_id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, String]),
    __metadata("design:returntype", Promise)
], TemplatesController.prototype, "validate", null);
__decorate([
    (0, common_1.Delete)(':template_id'),
    (0, common_1.HttpCode)(200),
    __param(0, (0, common_1.Param)('org_id')),
    __param(1, (0, common_1.Param)('template_id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, String]),
    __metadata("design:returntype", Promise)
], TemplatesController.prototype, "delete", null);
exports.TemplatesController = TemplatesController = __decorate([
    (0, common_1.Controller)('api/v1beta1/orgs/:org_id/airuntime-templates'),
    (0, common_1.UseGuards)(common_2.AuthGuard, common_2.RateLimitGuard),
    __metadata("design:paramtypes", [templates_service_1.TemplatesService,
        idempotency_service_1.IdempotencyService])
], TemplatesController);
//# sourceMappingURL=templates.controller.js.map