import { Injectable } from '@nestjs/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import { AppSpec, TemplateForValidation, ValidationErrorInfo, StoredValidationReport } from './template.types';

/**
 * The validation worker's reads and writes of one template. Prisma's query builder
 * throughout: each write is a typed conditional update keyed on the spec version and the
 * validation state, so a template deleted or changed meanwhile is never resurrected or
 * overwritten, and a job delivered twice flips it once.
 */
@Injectable()
export class TemplateValidationRepository {
  constructor(private readonly prisma: PrismaService) {}

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
}
