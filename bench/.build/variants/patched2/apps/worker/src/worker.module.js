"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var WorkerModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.WorkerModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../../libs/config/src");
const common_2 = require("../../../libs/common/src");
const crypto_1 = require("../../../libs/crypto/src");
const db_1 = require("../../../libs/db/src");
const queue_1 = require("../../../libs/queue/src");
const worker_http_server_1 = require("./http/worker-http-server");
const revalidation_scheduler_1 = require("./revalidation/revalidation-scheduler");
const outbox_sweeper_1 = require("./sweep/outbox-sweeper");
const registry_client_provider_1 = require("./validation/registry-client.provider");
const template_validation_processor_1 = require("./validation/template-validation.processor");
const template_validation_service_1 = require("./validation/template-validation.service");
let WorkerModule = WorkerModule_1 = class WorkerModule {
    static forRoot(config, logger, metrics) {
        return {
            module: WorkerModule_1,
            imports: [config_1.ConfigModule.forRoot('worker', config), common_2.ObservabilityModule.forRoot(logger, metrics), crypto_1.CryptoModule, db_1.DbModule, queue_1.QueueModule],
            providers: [registry_client_provider_1.registryClientProvider, template_validation_service_1.TemplateValidationService, template_validation_processor_1.TemplateValidationProcessor, outbox_sweeper_1.OutboxSweeper, revalidation_scheduler_1.RevalidationScheduler, worker_http_server_1.WorkerHttpServer],
        };
    }
};
exports.WorkerModule = WorkerModule;
exports.WorkerModule = WorkerModule = WorkerModule_1 = __decorate([
    (0, common_1.Module)({})
], WorkerModule);
//# sourceMappingURL=worker.module.js.map