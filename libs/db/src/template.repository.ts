import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import {
  AppSpec,
  CurrentTemplateSpec,
  ListQuery,
  NewTemplate,
  TemplateForValidation,
  TemplateRecord,
  TemplateStatus,
  TemplateUpdate,
  ValidationErrorInfo,
  StoredValidationReport,
  ValidationState,
} from './template.types';

/** The columns every read returns: everything but the encrypted token itself. */
const PUBLIC_COLUMNS_SQL = `
  id, org_id, name, description, category, image, oci_registry_username,
  (oci_registry_token_ciphertext IS NOT NULL) AS has_registry_token, status, apps, created_by,
  created_at, updated_at, spec_version, validation_state, validation_error, validation_report,
  validation_checked_at, validation_attempts`;
const PUBLIC_COLUMNS = Prisma.raw(PUBLIC_COLUMNS_SQL);

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
  validation_report: StoredValidationReport | null;
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

  /** Hot path: plain SQL on the shared pool (see PrismaService). */
  async findInOrg(orgId: string, id: string): Promise<TemplateRecord | null> {
    const { rows } = await this.prisma.pool.query<TemplateRow>({
      name: 'template_find_in_org',
      text: `SELECT ${PUBLIC_COLUMNS_SQL} FROM templates WHERE id = $1::uuid AND org_id = $2`,
      values: [id, orgId],
    });
    return rows.length ? toRecord(rows[0]) : null;
  }

  /**
   * Newest first, ties broken by id; keyset pagination so pages stay stable under writes.
   * Hot path: plain SQL on the shared pool (see PrismaService).
   */
  async listInOrg(orgId: string, query: ListQuery): Promise<TemplateRecord[]> {
    const values: unknown[] = [orgId];
    const filters = ['org_id = $1'];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (query.after) filters.push(`(created_at, id) < (${param(query.after.createdAt)}::timestamptz, ${param(query.after.id)}::uuid)`);
    if (query.status) filters.push(`status = ${param(query.status)}::"TemplateStatus"`);
    if (query.category) filters.push(`category = ${param(query.category)}`);
    if (query.namePrefix) filters.push(`name_key LIKE ${param(escapeLike(query.namePrefix.toLowerCase()) + '%')}`);
    const { rows } = await this.prisma.pool.query<TemplateRow>(
      `SELECT ${PUBLIC_COLUMNS_SQL} FROM templates WHERE ${filters.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT ${param(query.limit)}`,
      values,
    );
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

  /**
   * Applies an update planned from the locked current row. When the image or the credentials
   * change, the spec version is bumped and validation starts over (Inactive, pending), so a
   * validation of the old values can never flip the new ones. Returns null when not found and
   * whether a new validation is needed.
   */
  async update(
    orgId: string,
    id: string,
    plan: (current: CurrentTemplateSpec) => TemplateUpdate,
  ): Promise<{ template: TemplateRecord; revalidate: boolean } | null> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const current = await tx.$queryRaw<{ image: string; oci_registry_username: string | null; has_token: boolean }[]>`
          SELECT image, oci_registry_username, (oci_registry_token_ciphertext IS NOT NULL) AS has_token
          FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} FOR UPDATE`;
        if (current.length === 0) return null;
        const change = plan({
          image: current[0].image,
          ociRegistryUsername: current[0].oci_registry_username,
          hasRegistryToken: current[0].has_token,
        });
        const sets: Prisma.Sql[] = [Prisma.sql`updated_at = now()`];
        if (change.name !== undefined) sets.push(Prisma.sql`name = ${change.name}, name_key = ${change.name.toLowerCase()}`);
        if (change.description !== undefined) sets.push(Prisma.sql`description = ${change.description}`);
        if (change.category !== undefined) sets.push(Prisma.sql`category = ${change.category}`);
        const imageChanged = change.image !== undefined && change.image !== current[0].image;
        if (imageChanged) sets.push(Prisma.sql`image = ${change.image}`);
        if (change.credentials === null) {
          sets.push(Prisma.sql`oci_registry_username = NULL, oci_registry_token_ciphertext = NULL`);
        } else if (change.credentials) {
          sets.push(Prisma.sql`oci_registry_username = ${change.credentials.username}`);
          if (change.credentials.ciphertext) sets.push(Prisma.sql`oci_registry_token_ciphertext = ${change.credentials.ciphertext}`);
        }
        const revalidate = imageChanged || change.credentials !== undefined;
        if (revalidate) {
          sets.push(Prisma.sql`
            spec_version = spec_version + 1, status = 'Inactive', apps = '[]', validation_state = 'pending',
            validation_error = NULL, validation_report = NULL, validation_checked_at = NULL,
            validation_attempts = 0, validation_queued_at = now()`);
        }
        const rows = await tx.$queryRaw<TemplateRow[]>`
          UPDATE templates SET ${Prisma.join(sets, ', ')} WHERE id = ${id}::uuid RETURNING ${PUBLIC_COLUMNS}`;
        return { template: toRecord(rows[0]), revalidate };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, 'A template with that name already exists in this organization');
      }
      throw error;
    }
  }

  /**
   * Asks for a fresh validation of the same spec. A template whose validation is already
   * pending or running is left as it is (no second job). The status does not change until
   * the validation ends. Returns null when not found.
   */
  async requestValidation(orgId: string, id: string): Promise<{ template: TemplateRecord; queued: boolean } | null> {
    const updated = await this.prisma.$queryRaw<TemplateRow[]>`
      UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
      WHERE id = ${id}::uuid AND org_id = ${orgId} AND validation_state IN ('passed', 'failed')
      RETURNING ${PUBLIC_COLUMNS}`;
    if (updated.length) return { template: toRecord(updated[0]), queued: true };
    const template = await this.findInOrg(orgId, id);
    return template ? { template, queued: false } : null;
  }

  /** The encrypted token of a template (for comparing an idempotent retry's token), or null. */
  async findTokenCiphertext(orgId: string, id: string): Promise<Uint8Array | null> {
    const row = await this.prisma.template.findFirst({ where: { id, orgId }, select: { ociRegistryTokenCiphertext: true } });
    return row?.ociRegistryTokenCiphertext ?? null;
  }

  // ---- used by key rotation (npm run keys:rotate) --------------------------------------

  /** Templates with a stored token, in id order after `afterId` (keyset pages, resumable). */
  async listTokenCiphertexts(afterId: string | null, limit: number): Promise<{ id: string; orgId: string; ciphertext: Uint8Array }[]> {
    const rows = await this.prisma.template.findMany({
      where: { ociRegistryTokenCiphertext: { not: null }, ...(afterId ? { id: { gt: afterId } } : {}) },
      select: { id: true, orgId: true, ociRegistryTokenCiphertext: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map((row) => ({ id: row.id, orgId: row.orgId, ciphertext: row.ociRegistryTokenCiphertext as Uint8Array }));
  }

  /** Compare-and-swap: replaced only if nobody changed the token meanwhile. */
  async replaceTokenCiphertext(id: string, previous: Uint8Array, next: Buffer): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE templates SET oci_registry_token_ciphertext = ${next}
      WHERE id = ${id}::uuid AND oci_registry_token_ciphertext = ${Buffer.from(previous)}`;
    return count === 1;
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
      validationReport: (row.validationReport as StoredValidationReport | null) ?? null,
    };
  }

  /**
   * pending → running for this spec version, held by `jobId`. A running validation can be
   * taken over only by the same job (BullMQ re-delivers a job whose worker died under the same
   * id); a second delivery under another id is refused. False when deleted, changed, finished,
   * or held by another job.
   */
  async claimForValidation(id: string, specVersion: number, jobId: string): Promise<boolean> {
    const { count } = await this.prisma.template.updateMany({
      where: {
        id,
        specVersion,
        OR: [{ validationState: 'pending' }, { validationState: 'running', validationJobId: jobId }],
      },
      data: { validationState: 'running', validationJobId: jobId, validationAttempts: { increment: 1 } },
    });
    return count === 1;
  }

  /** Why a conditional write found nothing to change: the row is gone, or holds newer values, or neither. */
  async explainMissedWrite(id: string, specVersion: number): Promise<'missing' | 'stale' | 'not_pending'> {
    const row = await this.prisma.template.findUnique({ where: { id }, select: { specVersion: true } });
    if (!row) return 'missing';
    return row.specVersion !== specVersion ? 'stale' : 'not_pending';
  }

  /** running → passed and Active, only if nothing changed meanwhile. Returns whether it flipped. */
  async recordPassed(id: string, specVersion: number, report: StoredValidationReport, apps: AppSpec[]): Promise<boolean> {
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

  /**
   * Puts Active templates whose last check is older than `interval` back to pending, for
   * periodic re-validation (drift and expiry). Each template's due time is stretched by up
   * to 10% by a hash of its id, so templates created together are not re-checked together.
   * SKIP LOCKED and the state change let several workers run this at once.
   */
  async claimDueRevalidations(intervalMs: number, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
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

  /**
   * The job could not be added (Redis away): date the row's queueing back to the epoch so
   * the next sweep picks it up at once, whatever SWEEP_MIN_AGE says.
   */
  async markNotQueued(id: string): Promise<void> {
    await this.prisma.template.updateMany({ where: { id }, data: { validationQueuedAt: new Date(0) } });
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
