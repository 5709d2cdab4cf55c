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
exports.AuthGuard = void 0;
const common_1 = require("@nestjs/common");
const domain_error_1 = require("../domain-error");
const access_token_verifier_1 = require("./access-token-verifier");
let AuthGuard = class AuthGuard {
    verifier;
    constructor(verifier) {
        this.verifier = verifier;
    }
    async canActivate(context) {
        const request = context.switchToHttp().getRequest();
        const caller = await this.verifier.verify(request.headers.authorization);
        const orgId = request.params?.org_id;
        if (orgId !== undefined && !caller.orgs.has(orgId)) {
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.Forbidden, `You are not a member of organization "${truncate(orgId)}"`);
        }
        request.caller = caller;
        return true;
    }
};
exports.AuthGuard = AuthGuard;
exports.AuthGuard = AuthGuard = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [access_token_verifier_1.AccessTokenVerifier])
], AuthGuard);
function truncate(value) {
    return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
//# sourceMappingURL=auth.guard.js.map