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
exports.TemplateRepository = void 0;
const common_1 = require("@nestjs/common");
const common_2 = require("../../common/src");
const client_1 = require("./generated/prisma/client");
const prisma_service_1 = require("./prisma.service");
const PUBLIC_COLUMNS = client_1.Prisma.sql `
  id, org_id, name, description, category, image, oci_registry_username,
  (oci_registry_token_ciphertext IS NOT NULL) AS has_registry_token, status, apps, created_by,
  created_at, updated_at, spec_version, validation_state, validation_error, validation_report,
  validation_checked_at, validation_attempts`;
const UNIQUE_VIOLATION = '23505';
let TemplateRepository = class TemplateRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    async create(template, quota) {
        let rows;
        try {
            rows = await this.prisma.$queryRaw `
        WITH quota AS (
          INSERT INTO org_template_counts AS c (org_id, count) VALUES (${template.orgId}, 1)
          ON CONFLICT (org_id) DO UPDATE SET count = c.count + 1 WHERE c.count < ${quota}
          RETURNING count
        )
        INSERT INTO templates (id, org_id, name, name_key, description, category, image,
                               oci_registry_username, oci_registry_token_ciphertext, created_by)
        SELECT ${template.id}::uuid, ${template.orgId}, ${template.name}, ${template.name.toLowerCase()},
               ${template.description}, ${template.category}, ${template.image},
               ${template.ociRegistryUsername}, ${template.ociRegistryTokenCiphertext}, ${template.createdBy}::uuid
        FROM quota
        RETURNING ${PUBLIC_COLUMNS}`;
        }
        catch (error) {
            if (isUniqueViolation(error)) {
                throw new common_2.DomainError(common_2.ErrorCode.Conflict, `A template named "${template.name}" already exists in this organization`);
            }
            throw error;
        }
        if (rows.length === 0) {
            throw new common_2.DomainError(common_2.ErrorCode.QuotaExceeded, `This organization has reached its limit of ${quota} templates; delete one to create another`);
        }
        return toRecord(rows[0]);
    }
    async findInOrg(orgId, id) {
        const rows = await this.prisma.$queryRaw `
      SELECT ${PUBLIC_COLUMNS} FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId}`;
        return rows.length ? toRecord(rows[0]) : null;
    }
    async listInOrg(orgId, query) {
        const filters = [client_1.Prisma.sql `org_id = ${orgId}`];
        if (query.after) {
            filters.push(client_1.Prisma.sql `(created_at, id) < (${query.after.createdAt}::timestamptz, ${query.after.id}::uuid)`);
        }
        if (query.status)
            filters.push(client_1.Prisma.sql `status = ${query.status}::"TemplateStatus"`);
        if (query.category)
            filters.push(client_1.Prisma.sql `category = ${query.category}`);
        if (query.namePrefix)
            filters.push(client_1.Prisma.sql `name_key LIKE ${escapeLike(query.namePrefix.toLowerCase()) + '%'}`);
        const rows = await this.prisma.$queryRaw `
      SELECT ${PUBLIC_COLUMNS} FROM templates
      WHERE ${client_1.Prisma.join(filters, ' AND ')}
      ORDER BY created_at DESC, id DESC
      LIMIT ${query.limit}`;
        return rows.map(toRecord);
    }
    async deleteInOrg(orgId, id) {
        const rows = await this.prisma.$queryRaw `
      WITH deleted AS (
        DELETE FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} RETURNING org_id
      ), released AS (
        UPDATE org_template_counts c SET count = c.count - 1 FROM deleted d WHERE c.org_id = d.org_id RETURNING 1
      )
      SELECT count(*)::int AS deleted FROM deleted`;
        return rows[0].deleted > 0;
    }
    async update(orgId, id, plan) {
        try {
            return await this.prisma.$transaction(async (tx) => {
                const current = await tx.$queryRaw `
          SELECT image, oci_registry_username, (oci_registry_token_ciphertext IS NOT NULL) AS has_token
          FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} FOR UPDATE`;
                if (current.length === 0)
                    return null;
                const change = plan({
                    image: current[0].image,
                    ociRegistryUsername: current[0].oci_registry_username,
                    hasRegistryToken: current[0].has_token,
                });
                const sets = [client_1.Prisma.sql `updated_at = now()`];
                if (change.name !== undefined)
                    sets.push(client_1.Prisma.sql `name = ${change.name}, name_key = ${change.name.toLowerCase()}`);
                if (change.description !== undefined)
                    sets.push(client_1.Prisma.sql `description = ${change.description}`);
                if (change.category !== undefined)
                    sets.push(client_1.Prisma.sql `category = ${change.category}`);
                const imageChanged = change.image !== undefined && change.image !== current[0].image;
                if (imageChanged)
                    sets.push(client_1.Prisma.sql `image = ${change.image}`);
                if (change.credentials === null) {
                    sets.push(client_1.Prisma.sql `oci_registry_username = NULL, oci_registry_token_ciphertext = NULL`);
                }
                else if (change.credentials) {
                    sets.push(client_1.Prisma.sql `oci_registry_username = ${change.credentials.username}`);
                    if (change.credentials.ciphertext)
                        sets.push(client_1.Prisma.sql `oci_registry_token_ciphertext = ${change.credentials.ciphertext}`);
                }
                const revalidate = imageChanged || change.credentials !== undefined;
                if (revalidate) {
                    sets.push(client_1.Prisma.sql `
            spec_version = spec_version + 1, status = 'Inactive', apps = '[]', validation_state = 'pending',
            validation_error = NULL, validation_report = NULL, validation_checked_at = NULL,
            validation_attempts = 0, validation_queued_at = now()`);
                }
                const rows = await tx.$queryRaw `
          UPDATE templates SET ${client_1.Prisma.join(sets, ', ')} WHERE id = ${id}::uuid RETURNING ${PUBLIC_COLUMNS}`;
                return { template: toRecord(rows[0]), revalidate };
            });
        }
        catch (error) {
            if (isUniqueViolation(error)) {
                throw new common_2.DomainError(common_2.ErrorCode.Conflict, 'A template with that name already exists in this organization');
            }
            throw error;
        }
    }
    async requestValidation(orgId, id) {
        const updated = await this.prisma.$queryRaw `
      UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
      WHERE id = ${id}::uuid AND org_id = ${orgId} AND validation_state IN ('passed', 'failed')
      RETURNING ${PUBLIC_COLUMNS}`;
        if (updated.length)
            return { template: toRecord(updated[0]), queued: true };
        const template = await this.findInOrg(orgId, id);
        return template ? { template, queued: false } : null;
    }
    async findTokenCiphertext(orgId, id) {
        const row = await this.prisma.template.findFirst({ where: { id, orgId }, select: { ociRegistryTokenCiphertext: true } });
        return row?.ociRegistryTokenCiphertext ?? null;
    }
    async listTokenCiphertexts(afterId, limit) {
        const rows = await this.prisma.template.findMany({
            where: { ociRegistryTokenCiphertext: { not: null }, ...(afterId ? { id: { gt: afterId } } : {}) },
            select: { id: true, orgId: true, ociRegistryTokenCiphertext: true },
            orderBy: { id: 'asc' },
            take: limit,
        });
        return rows.map((row) => ({ id: row.id, orgId: row.orgId, ciphertext: row.ociRegistryTokenCiphertext }));
    }
    async replaceTokenCiphertext(id, previous, next) {
        const count = await this.prisma.$executeRaw `
      UPDATE templates SET oci_registry_token_ciphertext = ${next}
      WHERE id = ${id}::uuid AND oci_registry_token_ciphertext = ${Buffer.from(previous)}`;
        return count === 1;
    }
    async findForValidation(id) {
        const row = await this.prisma.template.findUnique({
            where: { id },
            select: {
                id: true,
                orgId: true,
                image: true,
                ociRegistryUsername: true,
                ociRegistryTokenCiphertext: true,
                specVersion: true,
                status: true,
                validationState: true,
                validationReport: true,
            },
        });
        if (!row)
            return null;
        return {
            ...row,
            validationReport: row.validationReport ?? null,
        };
    }
    async claimForValidation(id, specVersion) {
        const { count } = await this.prisma.template.updateMany({
            where: { id, specVersion, validationState: { in: ['pending', 'running'] } },
            data: { validationState: 'running', validationAttempts: { increment: 1 } },
        });
        return count === 1;
    }
    async recordPassed(id, specVersion, report, apps) {
        const { count } = await this.prisma.template.updateMany({
            where: { id, specVersion, validationState: 'running' },
            data: {
                status: 'Active',
                validationState: 'passed',
                validationError: client_1.Prisma.DbNull,
                validationReport: report,
                apps: apps,
                validationCheckedAt: new Date(),
            },
        });
        return count === 1;
    }
    async recordFailed(id, specVersion, error, deactivate) {
        const { count } = await this.prisma.template.updateMany({
            where: { id, specVersion, validationState: 'running' },
            data: {
                ...(deactivate ? { status: 'Inactive' } : {}),
                validationState: 'failed',
                validationError: error,
                validationCheckedAt: new Date(),
            },
        });
        return count === 1;
    }
    async recordRetrying(id, specVersion, error) {
        await this.prisma.template.updateMany({
            where: { id, specVersion, validationState: 'running' },
            data: { validationError: error },
        });
    }
    async findUnfinishedValidations(queuedBefore, limit) {
        const rows = await this.prisma.template.findMany({
            where: { validationState: { in: ['pending', 'running'] }, validationQueuedAt: { lt: queuedBefore } },
            select: { id: true },
            orderBy: { validationQueuedAt: 'asc' },
            take: limit,
        });
        return rows.map((row) => row.id);
    }
    async claimDueRevalidations(intervalMs, limit) {
        const rows = await this.prisma.$queryRaw `
      UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
      WHERE id IN (
        SELECT id FROM templates
        WHERE status = 'Active' AND validation_state = 'passed'
          AND validation_checked_at < now() - ${intervalMs}::double precision * (1 + (abs(hashtext(id::text)) % 1000) / 10000.0) * interval '1 millisecond'
        ORDER BY validation_checked_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id`;
        return rows.map((row) => row.id);
    }
    async markQueued(ids) {
        if (ids.length === 0)
            return;
        await this.prisma.template.updateMany({ where: { id: { in: [...ids] } }, data: { validationQueuedAt: new Date() } });
    }
};
exports.TemplateRepository = TemplateRepository;
exports.TemplateRepository = TemplateRepository = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [prisma_service_1.PrismaService])
], TemplateRepository);
function toRecord(row) {
    return {
        id: row.id,
        orgId: row.org_id,
        name: row.name,
        description: row.description,
        category: row.category,
        image: row.image,
        ociRegistryUsername: row.oci_registry_username,
        hasRegistryToken: row.has_registry_token,
        status: row.status,
        apps: row.apps ?? [],
        createdBy: row.created_by,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        specVersion: row.spec_version,
        validation: {
            state: row.validation_state,
            error: row.validation_error,
            report: row.validation_report,
            checkedAt: row.validation_checked_at,
            attempts: row.validation_attempts,
        },
    };
}
function escapeLike(value) {
    return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
function isUniqueViolation(error) {
    for (let current = error, depth = 0; current && depth < 5; depth++) {
        const candidate = current;
        if (candidate.code === UNIQUE_VIOLATION || candidate.code === 'P2002')
            return true;
        if (candidate.code === 'P2010' && JSON.stringify(candidate.meta ?? {}).includes(UNIQUE_VIOLATION))
            return true;
        current = candidate.cause ?? candidate.meta?.driverAdapterError;
    }
    return false;
}
//# sourceMappingURL=template.repository.js.map