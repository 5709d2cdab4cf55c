"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TemplatesModule = void 0;
const common_1 = require("@nestjs/common");
const common_2 = require("../../../../libs/common/src");
const crypto_1 = require("../../../../libs/crypto/src");
const db_1 = require("../../../../libs/db/src");
const queue_1 = require("../../../../libs/queue/src");
const templates_controller_1 = require("./templates.controller");
const idempotency_service_1 = require("./idempotency.service");
const templates_service_1 = require("./templates.service");
let TemplatesModule = class TemplatesModule {
};
exports.TemplatesModule = TemplatesModule;
exports.TemplatesModule = TemplatesModule = __decorate([
    (0, common_1.Module)({
        imports: [common_2.AuthModule, crypto_1.CryptoModule, db_1.DbModule, queue_1.QueueModule],
        controllers: [templates_controller_1.TemplatesController],
        providers: [
            templates_service_1.TemplatesService,
            idempotency_service_1.IdempotencyService,
            common_2.RateLimitGuard,
            { provide: common_2.RATE_LIMIT_REDIS, useExisting: queue_1.PRODUCER_REDIS },
        ],
    })
], TemplatesModule);
//# sourceMappingURL=templates.module.js.map