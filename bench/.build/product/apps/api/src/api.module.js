"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var ApiModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.ApiModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../../libs/config/src");
const common_2 = require("../../../libs/common/src");
const health_module_1 = require("./health/health.module");
const openapi_module_1 = require("./openapi/openapi.module");
const templates_module_1 = require("./templates/templates.module");
let ApiModule = ApiModule_1 = class ApiModule {
    static forRoot(config, logger, metrics) {
        return {
            module: ApiModule_1,
            imports: [config_1.ConfigModule.forRoot('api', config), common_2.ObservabilityModule.forRoot(logger, metrics), health_module_1.HealthModule, openapi_module_1.OpenApiModule, templates_module_1.TemplatesModule],
        };
    }
};
exports.ApiModule = ApiModule;
exports.ApiModule = ApiModule = ApiModule_1 = __decorate([
    (0, common_1.Module)({})
], ApiModule);
//# sourceMappingURL=api.module.js.map