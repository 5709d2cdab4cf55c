import { Injectable } from '@nestjs/common';
import { appendEvents } from './events/event-append';
import { NewEvent, SYSTEM_ORIGIN } from './events/event.types';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import type { ValidationBasis } from '@app/oci';
import { AppSpec, TemplateForValidation, ValidationErrorInfo, StoredValidationReport } from './template.types';
import { EventCommits } from './events/event-commits';

/**
 * The validation worker's reads and writes of one template. Each write is a conditional
 * update keyed on the spec version and the validation state, so a template deleted or changed
 * meanwhile is never resurrected or overwritten, and a job delivered twice flips it once. The
 * writes that tell something (claim, passed, failed) append their events in the same statement
 * (tagged SQL for that: the query builder cannot put an update and an insert in one statement);
 * a conditional write that matched nothing appends nothing.
 */
@Injectable()
export class TemplateValidationRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly eventCommits: EventCommits,
  ) {}

  async findForValidation(id: string): Promise<TemplateForValidation | null> {
    const row = await this.prisma.template.findUnique({
      where: { id },
      select: {
        id: true,
        orgId: true,
        image: true,
        ociRegistryUsername: true,
        ociRegistryTokenCiphertext: true,
        registryCredentialId: true,
        specVersion: true,
        status: true,
        validationState: true,
        validationReport: true,
        validationBasis: true,
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
  async claimForValidation(template: TemplateForValidation, jobId: string): Promise<boolean> {
    const started: NewEvent = {
      type: 'template.validation.started',
      subjectId: template.id,
      data: Prisma.sql`jsonb_build_object('image', g.image, 'attempt', g.validation_attempts)`,
    };
    return this.conditionalWrite(
      Prisma.sql`
        UPDATE templates SET validation_state = 'running', validation_job_id = ${jobId}, validation_attempts = validation_attempts + 1
        WHERE id = ${template.id}::uuid AND spec_version = ${template.specVersion}
          AND (validation_state = 'pending' OR (validation_state = 'running' AND validation_job_id = ${jobId}))
        RETURNING org_id, image, validation_attempts`,
      [started],
    );
  }

  /**
   * Why a conditional write found nothing to change: the row is gone, or holds newer values
   * (another spec, or the same spec sent back to pending while this validation ran, as an org's
   * new image policy does: then it must be validated again), or neither.
   */
  async explainMissedWrite(id: string, specVersion: number): Promise<'missing' | 'stale' | 'not_pending'> {
    const row = await this.prisma.template.findUnique({ where: { id }, select: { specVersion: true, validationState: true } });
    if (!row) return 'missing';
    return row.specVersion !== specVersion || row.validationState === 'pending' ? 'stale' : 'not_pending';
  }

  /**
   * running → passed and Active, only if nothing changed meanwhile; appends
   * `template.validation.passed`, and `template.digest_changed` when the tag moved since the
   * last check; `basis` (what the report was derived from) is kept for the next re-validation.
   * Returns whether it flipped.
   */
  async recordPassed(template: TemplateForValidation, report: StoredValidationReport, apps: AppSpec[], basis?: ValidationBasis): Promise<boolean> {
    const events: NewEvent[] = [
      {
        type: 'template.validation.passed',
        subjectId: template.id,
        data: { image: template.image, resolved_digest: report.resolved_digest, status: 'Active' },
      },
    ];
    const previous = template.validationReport?.resolved_digest;
    if (previous && previous !== report.resolved_digest) {
      events.push({
        type: 'template.digest_changed',
        subjectId: template.id,
        data: { image: template.image, old_digest: previous, new_digest: report.resolved_digest },
      });
    }
    return this.conditionalWrite(
      Prisma.sql`
        UPDATE templates SET status = 'Active', validation_state = 'passed', validation_error = NULL,
          validation_report = ${JSON.stringify(report)}::jsonb, validation_basis = ${basis ? JSON.stringify(basis) : null}::jsonb,
          apps = ${JSON.stringify(apps)}::jsonb, validation_checked_at = now()
        WHERE id = ${template.id}::uuid AND spec_version = ${template.specVersion} AND validation_state = 'running'
        RETURNING org_id`,
      events,
    );
  }

  /**
   * running → failed, appending `template.validation.failed`. `deactivate` sends an Active
   * template back to Inactive (a permanent failure); a transient failure of an already Active
   * template leaves it Active.
   */
  async recordFailed(template: TemplateForValidation, error: ValidationErrorInfo, deactivate: boolean): Promise<boolean> {
    const status = deactivate ? 'Inactive' : template.status;
    const failed: NewEvent = { type: 'template.validation.failed', subjectId: template.id, data: { image: template.image, error, status } };
    return this.conditionalWrite(
      Prisma.sql`
        UPDATE templates SET ${deactivate ? Prisma.sql`status = 'Inactive', ` : Prisma.empty}validation_state = 'failed',
          validation_error = ${JSON.stringify(error)}::jsonb, validation_checked_at = now()
        WHERE id = ${template.id}::uuid AND spec_version = ${template.specVersion} AND validation_state = 'running'
        RETURNING org_id`,
      [failed],
    );
  }

  /** A transient failure that will be retried: remembered on the row, state stays running. */
  async recordRetrying(id: string, specVersion: number, error: ValidationErrorInfo): Promise<void> {
    await this.prisma.template.updateMany({
      where: { id, specVersion, validationState: 'running' },
      data: { validationError: error as unknown as Prisma.InputJsonValue },
    });
  }

  /** Runs `update` (an UPDATE … RETURNING org_id, …) with its events; true when it changed the row. */
  private async conditionalWrite(update: Prisma.Sql, events: NewEvent[]): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ changed: number; org_id: string | null }[]>`
      WITH changed AS (${update}), ${appendEvents('changed', events, SYSTEM_ORIGIN)}
      SELECT count(*)::int AS changed, min(org_id) AS org_id FROM changed`;
    if (rows[0].changed === 0) return false;
    this.eventCommits.committed(rows[0].org_id!, events.map((event) => event.type));
    return true;
  }
}
