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
exports.IdempotencyRepository = exports.IDEMPOTENCY_TTL_MS = void 0;
const common_1 = require("@nestjs/common");
const prisma_service_1 = require("./prisma.service");
exports.IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
let IdempotencyRepository = class IdempotencyRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    async claim(scope, requestHash) {
        const ttl = `${exports.IDEMPOTENCY_TTL_MS} milliseconds`;
        const claimed = await this.prisma.$queryRaw `
      INSERT INTO idempotency_keys AS k (org_id, caller_subject, key, request_hash)
      VALUES (${scope.orgId}, ${scope.callerSubject}, ${scope.key}, ${requestHash})
      ON CONFLICT (org_id, caller_subject, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = now()
        WHERE k.created_at < now() - ${ttl}::interval
      RETURNING key`;
        if (claimed.length)
            return { state: 'claimed' };
        const existing = await this.prisma.idempotencyKey.findUnique({
            where: { orgId_callerSubject_key: { orgId: scope.orgId, callerSubject: scope.callerSubject, key: scope.key } },
        });
        if (!existing)
            return this.claim(scope, requestHash);
        if (existing.responseStatus === null)
            return { state: 'in_progress', requestHash: existing.requestHash };
        return { state: 'completed', requestHash: existing.requestHash, status: existing.responseStatus, body: existing.responseBody };
    }
    async complete(scope, status, body) {
        await this.prisma.idempotencyKey.update({
            where: { orgId_callerSubject_key: { orgId: scope.orgId, callerSubject: scope.callerSubject, key: scope.key } },
            data: { responseStatus: status, responseBody: body },
        });
    }
    async release(scope) {
        await this.prisma.idempotencyKey.deleteMany({
            where: { orgId: scope.orgId, callerSubject: scope.callerSubject, key: scope.key, responseStatus: null },
        });
    }
    async purgeExpired() {
        const { count } = await this.prisma.idempotencyKey.deleteMany({
            where: { createdAt: { lt: new Date(Date.now() - exports.IDEMPOTENCY_TTL_MS) } },
        });
        return count;
    }
};
exports.IdempotencyRepository = IdempotencyRepository;
exports.IdempotencyRepository = IdempotencyRepository = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [prisma_service_1.PrismaService])
], IdempotencyRepository);
//# sourceMappingURL=idempotency.repository.js.map