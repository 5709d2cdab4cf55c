"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.DbModule = void 0;
const common_1 = require("@nestjs/common");
const idempotency_repository_1 = require("./idempotency.repository");
const prisma_service_1 = require("./prisma.service");
const template_repository_1 = require("./template.repository");
let DbModule = class DbModule {
};
exports.DbModule = DbModule;
exports.DbModule = DbModule = __decorate([
    (0, common_1.Module)({
        providers: [prisma_service_1.PrismaService, template_repository_1.TemplateRepository, idempotency_repository_1.IdempotencyRepository],
        exports: [prisma_service_1.PrismaService, template_repository_1.TemplateRepository, idempotency_repository_1.IdempotencyRepository],
    })
], DbModule);
//# sourceMappingURL=db.module.js.map