"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.AuthModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../../config/src");
const access_token_verifier_1 = require("./access-token-verifier");
const auth_guard_1 = require("./auth.guard");
const dev_auth_keys_1 = require("./dev-auth-keys");
let AuthModule = class AuthModule {
};
exports.AuthModule = AuthModule;
exports.AuthModule = AuthModule = __decorate([
    (0, common_1.Module)({
        providers: [
            {
                provide: access_token_verifier_1.JWKS_SOURCE,
                inject: [config_1.APP_CONFIG],
                useFactory: async (config) => {
                    const { jwksUrl, jwksFile } = config.auth;
                    if (jwksUrl || jwksFile)
                        return { jwksUrl, jwksFile };
                    return { jwksFile: (await (0, dev_auth_keys_1.ensureDevAuthKeys)(config.dataDir)).jwksFile };
                },
            },
            access_token_verifier_1.AccessTokenVerifier,
            auth_guard_1.AuthGuard,
        ],
        exports: [access_token_verifier_1.AccessTokenVerifier, auth_guard_1.AuthGuard],
    })
], AuthModule);
//# sourceMappingURL=auth.module.js.map