"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
var KeyRotationModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.KeyRotationModule = void 0;
const common_1 = require("@nestjs/common");
const pino_1 = __importDefault(require("pino"));
const config_1 = require("../../../libs/config/src");
const common_2 = require("../../../libs/common/src");
const crypto_1 = require("../../../libs/crypto/src");
const db_1 = require("../../../libs/db/src");
let KeyRotationModule = KeyRotationModule_1 = class KeyRotationModule {
    static forRoot(config) {
        return {
            module: KeyRotationModule_1,
            imports: [
                config_1.ConfigModule.forRoot('rotate-keys', config),
                common_2.ObservabilityModule.forRoot((0, pino_1.default)({ level: 'warn' }), new common_2.ServiceMetrics('cli')),
                crypto_1.CryptoModule,
                db_1.DbModule,
            ],
        };
    }
};
exports.KeyRotationModule = KeyRotationModule;
exports.KeyRotationModule = KeyRotationModule = KeyRotationModule_1 = __decorate([
    (0, common_1.Module)({})
], KeyRotationModule);
//# sourceMappingURL=key-rotation.module.js.map