import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { RegistryTokenCipher, TokenDecryptionError } from '@app/crypto';
import { StoredValidationReport, TemplateForValidation, TemplateValidationRepository, ValidationErrorInfo } from '@app/db';
import { ImageValidationReport, RegistryClient, RegistryCredentials, RegistryError, ValidationErrorCode } from '@app/oci';
import { ValidationJobResult } from '@app/queue';

/** Where the job stands in its retries; from BullMQ. */
export interface ValidationAttempt {
  /** The queue job delivering this validation (the template id, for jobs the producer adds). */
  jobId: string;
  number: number;
  max: number;
}

/** A transient failure that BullMQ should retry (with backoff, honouring Retry-After). */
export class RetryableValidationError extends Error {
  constructor(
    readonly info: ValidationErrorInfo,
    readonly retryAfterMs?: number,
  ) {
    super(info.message);
    this.name = 'RetryableValidationError';
  }
}

/**
 * Checks one template's image against its registry and records the outcome. Every write
 * is conditional on the template's spec version and validation state, so a template deleted
 * or changed meanwhile is never resurrected or overwritten, and a job delivered twice flips once.
 */
@Injectable()
export class TemplateValidationService implements OnApplicationShutdown {
  constructor(
    private readonly templates: TemplateValidationRepository,
    private readonly cipher: RegistryTokenCipher,
    private readonly registry: RegistryClient,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
  ) {}

  async validate(templateId: string, attempt: ValidationAttempt): Promise<ValidationJobResult> {
    const template = await this.templates.findForValidation(templateId);
    if (!template) return this.skipped(templateId, 'missing');
    if (!(await this.templates.claimForValidation(template, attempt.jobId))) {
      return this.skipped(templateId, 'not_pending');
    }
    const started = performance.now();
    let report: StoredValidationReport;
    try {
      // The stored string is parsed by the client: a bad one is a permanent invalid_reference.
      report = withDrift(await this.registry.validateImage(template.image, await this.credentials(template)), template);
    } catch (error) {
      return this.handleFailure(template, toErrorInfo(error), attempt, started, (error as RegistryError).retryAfterMs);
    }
    const flipped = await this.templates.recordPassed(template, { ...report }, report.apps);
    if (!flipped) return this.skipped(templateId, await this.templates.explainMissedWrite(template.id, template.specVersion));
    this.finished(template.id, 'passed', null, started, attempt);
    return { outcome: 'passed' };
  }

  /** Last shutdown phase, after the processor drained (onModuleDestroy): close pooled sockets. */
  onApplicationShutdown(): void {
    this.registry.close();
  }

  private async credentials(template: TemplateForValidation): Promise<RegistryCredentials | undefined> {
    if (!template.ociRegistryTokenCiphertext || !template.ociRegistryUsername) return undefined;
    // Decrypted here only, bound to this row's org and id; kept in memory for this validation.
    const password = await this.cipher.decrypt(template.ociRegistryTokenCiphertext, {
      orgId: template.orgId,
      templateId: template.id,
    });
    return { username: template.ociRegistryUsername, password };
  }

  /**
   * Permanent failures are recorded at once. Transient ones are thrown for BullMQ to retry,
   * until the last attempt, which records them (retryable: true). A permanent failure sends
   * an Active template back to Inactive; a transient one leaves it as it was.
   */
  private async handleFailure(
    template: TemplateForValidation,
    info: ValidationErrorInfo,
    attempt: ValidationAttempt,
    started: number,
    retryAfterMs: number | undefined,
  ): Promise<ValidationJobResult> {
    if (info.retryable && attempt.number < attempt.max) {
      await this.templates.recordRetrying(template.id, template.specVersion, info);
      this.finished(template.id, 'retrying', info.code, started, attempt);
      throw new RetryableValidationError(info, retryAfterMs);
    }
    const recorded = await this.templates.recordFailed(template, info, !info.retryable);
    if (!recorded) return this.skipped(template.id, await this.templates.explainMissedWrite(template.id, template.specVersion));
    this.finished(template.id, 'failed', info.code, started, attempt);
    return { outcome: 'failed' };
  }

  private finished(templateId: string, outcome: string, code: string | null, started: number, attempt: ValidationAttempt): void {
    const seconds = (performance.now() - started) / 1000;
    this.metrics.validations.inc({ outcome, code: code ?? 'none' });
    this.metrics.validationDuration.observe({ outcome }, seconds);
    this.logger.info(
      { templateId, outcome, code, durationMs: Math.round(seconds * 1000), attempt: attempt.number },
      'validation finished',
    );
  }

  private skipped(templateId: string, reason: 'missing' | 'stale' | 'not_pending'): ValidationJobResult {
    this.metrics.validations.inc({ outcome: 'skipped', code: reason });
    this.logger.info({ templateId, outcome: 'skipped', reason }, 'validation skipped');
    return { outcome: 'skipped', reason };
  }
}

/** Typed, user-facing failure info; anything unexpected is rethrown so the queue retries it. */
function toErrorInfo(error: unknown): ValidationErrorInfo {
  if (error instanceof RegistryError) return { code: error.code, message: error.message, retryable: error.retryable };
  if (error instanceof TokenDecryptionError) {
    return {
      code: ValidationErrorCode.CredentialsUnreadable,
      message: 'The stored registry token could not be decrypted; set the token again',
      retryable: false,
    };
  }
  throw error;
}

/** Keeps Active templates' digest history: when a tag moved, say from where and when. */
function withDrift(report: ImageValidationReport, template: TemplateForValidation): StoredValidationReport {
  const previous = template.validationReport;
  if (!previous?.resolved_digest) return report;
  if (previous.resolved_digest !== report.resolved_digest) {
    return { ...report, previous_digest: previous.resolved_digest, digest_changed_at: new Date().toISOString() };
  }
  const { previous_digest, digest_changed_at } = previous;
  return previous_digest ? { ...report, previous_digest, digest_changed_at } : report;
}
