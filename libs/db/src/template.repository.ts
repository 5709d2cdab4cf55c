import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import {
  AppSpec,
  ListQuery,
  NewTemplate,
  TemplateForValidation,
  TemplateRecord,
  TemplateStatus,
  ValidationErrorInfo,
  ValidationReportJson,
  ValidationState,
} from './template.types';

/** The columns every read returns: everything but the encrypted token itself. */
const PUBLIC_COLUMNS = Prisma.sql`
  id, org_id, name, description, category, image, oci_registry_username,
  (oci_registry_token_ciphertext IS NOT NULL) AS has_registry_token, status, apps, created_by,
  created_at, updated_at, spec_version, validation_state, validation_error, validation_report,
  validation_checked_at, validation_attempts`;

interface TemplateRow {
  id: string;
  org_id: string;
  name: string;
  description: string;
  category: string;
  image: string;
  oci_registry_username: string | null;
  has_registry_token: boolean;
  status: TemplateStatus;
  apps: AppSpec[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  spec_version: number;
  validation_state: ValidationState;
  validation_error: ValidationErrorInfo | null;
  validation_report: ValidationReportJson | null;
  validation_checked_at: Date | null;
  validation_attempts: number;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Templates and the per-org counter that enforces the quota. Writes that must be atomic
 * under concurrency are single SQL statements, so the database decides races.
 */
@Injectable()
export class TemplateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the template and takes one unit of the org's quota in one statement: the counter
   * row's lock serializes racing creates, the unique index decides racing names, and a failure
   * of either undoes both.
   */
  async create(template: NewTemplate, quota: number): Promise<TemplateRecord> {
    let rows: TemplateRow[];
    try {
      rows = await this.prisma.$queryRaw<TemplateRow[]>`
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
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, `A template named "${template.name}" already exists in this organization`);
      }
      throw error;
    }
    if (rows.length === 0) {
      throw new DomainError(
        ErrorCode.QuotaExceeded,
        `This organization has reached its limit of ${quota} templates; delete one to create another`,
      );
    }
    return toRecord(rows[0]);
  }

  async findInOrg(orgId: string, id: string): Promise<TemplateRecord | null> {
    const rows = await this.prisma.$queryRaw<TemplateRow[]>`
      SELECT ${PUBLIC_COLUMNS} FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId}`;
    return rows.length ? toRecord(rows[0]) : null;
  }

  /** Newest first, ties broken by id; keyset pagination so pages stay stable under writes. */
  async listInOrg(orgId: string, query: ListQuery): Promise<TemplateRecord[]> {
    const filters: Prisma.Sql[] = [Prisma.sql`org_id = ${orgId}`];
    if (query.after) {
      filters.push(Prisma.sql`(created_at, id) < (${query.after.createdAt}::timestamptz, ${query.after.id}::uuid)`);
    }
    if (query.status) filters.push(Prisma.sql`status = ${query.status}::"TemplateStatus"`);
    if (query.category) filters.push(Prisma.sql`category = ${query.category}`);
    if (query.namePrefix) filters.push(Prisma.sql`name_key LIKE ${escapeLike(query.namePrefix.toLowerCase()) + '%'}`);
    const rows = await this.prisma.$queryRaw<TemplateRow[]>`
      SELECT ${PUBLIC_COLUMNS} FROM templates
      WHERE ${Prisma.join(filters, ' AND ')}
      ORDER BY created_at DESC, id DESC
      LIMIT ${query.limit}`;
    return rows.map(toRecord);
  }

  /** Deletes the row (and with it the encrypted token) and gives back its quota unit. */
  async deleteInOrg(orgId: string, id: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ deleted: number }[]>`
      WITH deleted AS (
        DELETE FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} RETURNING org_id
      ), released AS (
        UPDATE org_template_counts c SET count = c.count - 1 FROM deleted d WHERE c.org_id = d.org_id RETURNING 1
      )
      SELECT count(*)::int AS deleted FROM deleted`;
    return rows[0].deleted > 0;
  }

  // ---- used by the validation worker -------------------------------------------------

  async findForValidation(id: string): Promise<TemplateForValidation | null> {
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
    if (!row) return null;
    return {
      ...row,
      validationReport: (row.validationReport as ValidationReportJson | null) ?? null,
    };
  }

  /** pending → running for this spec version; false when deleted, changed or already finished. */
  async claimForValidation(id: string, specVersion: number): Promise<boolean> {
    const { count } = await this.prisma.template.updateMany({
      where: { id, specVersion, validationState: { in: ['pending', 'running'] } },
      data: { validationState: 'running', validationAttempts: { increment: 1 } },
    });
    return count === 1;
  }

  /** running → passed and Active, only if nothing changed meanwhile. Returns whether it flipped. */
  async recordPassed(id: string, specVersion: number, report: ValidationReportJson, apps: AppSpec[]): Promise<boolean> {
    const { count } = await this.prisma.template.updateMany({
      where: { id, specVersion, validationState: 'running' },
      data: {
        status: 'Active',
        validationState: 'passed',
        validationError: Prisma.DbNull,
        validationReport: report as Prisma.InputJsonValue,
        apps: apps as unknown as Prisma.InputJsonValue,
        validationCheckedAt: new Date(),
      },
    });
    return count === 1;
  }

  /**
   * running → failed. `deactivate` sends an Active template back to Inactive (a permanent
   * failure); a transient failure of an already Active template leaves it Active.
   */
  async recordFailed(id: string, specVersion: number, error: ValidationErrorInfo, deactivate: boolean): Promise<boolean> {
    const { count } = await this.prisma.template.updateMany({
      where: { id, specVersion, validationState: 'running' },
      data: {
        ...(deactivate ? { status: 'Inactive' as const } : {}),
        validationState: 'failed',
        validationError: error as unknown as Prisma.InputJsonValue,
        validationCheckedAt: new Date(),
      },
    });
    return count === 1;
  }

  /** A transient failure that will be retried: remembered on the row, state stays running. */
  async recordRetrying(id: string, specVersion: number, error: ValidationErrorInfo): Promise<void> {
    await this.prisma.template.updateMany({
      where: { id, specVersion, validationState: 'running' },
      data: { validationError: error as unknown as Prisma.InputJsonValue },
    });
  }

  /** Templates whose validation is pending or running and was queued before `queuedBefore`. */
  async findUnfinishedValidations(queuedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.template.findMany({
      where: { validationState: { in: ['pending', 'running'] }, validationQueuedAt: { lt: queuedBefore } },
      select: { id: true },
      orderBy: { validationQueuedAt: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  async markQueued(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.template.updateMany({ where: { id: { in: [...ids] } }, data: { validationQueuedAt: new Date() } });
  }
}

function toRecord(row: TemplateRow): TemplateRecord {
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

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    if (candidate.code === UNIQUE_VIOLATION || candidate.code === 'P2002') return true;
    if (candidate.code === 'P2010' && JSON.stringify(candidate.meta ?? {}).includes(UNIQUE_VIOLATION)) return true;
    current = candidate.cause ?? candidate.meta?.driverAdapterError;
  }
  return false;
}
