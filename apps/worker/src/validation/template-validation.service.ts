import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import {
  ImagePolicyRecord,
  ImagePolicyRepository,
  StoredValidationReport,
  TemplateForValidation,
  TemplateValidationRepository,
  ValidationErrorInfo,
} from '@app/db';
import { ImageCheck, ImageChecks, ImageValidationReport, PreviousValidation, RegistryClient, RegistryError, ValidationTrace } from '@app/oci';
import { ValidationJobResult } from '@app/queue';
import { RegistryCredentialResolver } from '../credentials/registry-credential-resolver';

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
    private readonly credentials: RegistryCredentialResolver,
    private readonly imagePolicies: ImagePolicyRepository,
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
    // Read after the claim: a policy PUT that commits later puts the row back to pending, so
    // this validation's write misses and it is redone under the new policy (see ImagePolicyRepository).
    const checks = imageChecks(await this.imagePolicies.findForOrg(template.orgId));
    const trace = new ValidationTrace();
    let check: ImageCheck;
    try {
      // The stored string is parsed by the client: a bad one is a permanent invalid_reference.
      // Credentials are resolved (decrypted, or minted for ECR) first; the client takes username and password.
      const credentials = await this.credentials.resolve(template);
      check = await this.registry.checkImage(template.image, { credentials, previous: previousValidation(template), trace, ...checks });
    } catch (error) {
      this.countRequests(trace);
      return this.handleFailure(template, toErrorInfo(error), attempt, started, (error as RegistryError).retryAfterMs);
    }
    this.countRequests(trace);
    const report = withDrift(check.report, template);
    const flipped = await this.templates.recordPassed(template, { ...report }, report.apps, check.basis);
    if (!flipped) return this.skipped(templateId, await this.templates.explainMissedWrite(template.id, template.specVersion));
    await this.credentials.recordOutcome(template, null);
    this.finished(template.id, 'passed', null, started, attempt);
    return { outcome: 'passed' };
  }

  /** Last shutdown phase, after the processor drained (onModuleDestroy): close pooled sockets. */
  async onApplicationShutdown(): Promise<void> {
    await this.registry.close();
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
    await this.credentials.recordOutcome(template, info);
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

  /** The requests this validation sent, by method and kind, and in total (`kind="all"`). */
  private countRequests(trace: ValidationTrace): void {
    const validation = trace.previousStillCurrent === undefined ? 'first' : trace.previousStillCurrent ? 'unchanged' : 'changed';
    for (const { method, kind, count } of trace.requests()) this.metrics.registryRequestsPerValidation.observe({ method, kind, validation }, count);
    this.metrics.registryRequestsPerValidation.observe({ method: 'all', kind: 'all', validation }, trace.total());
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
  throw error;
}

/** The last passed validation, to compare the manifest's digest with (any worker may run the next one). */
function previousValidation(template: TemplateForValidation): PreviousValidation | undefined {
  return template.validationReport ? { report: template.validationReport, basis: template.validationBasis } : undefined;
}

/** The org's image policy as the registry client checks it (signatures are looked up only when it has keys). */
function imageChecks(policy: ImagePolicyRecord): ImageChecks {
  return {
    signaturePolicy: {
      require_signature: policy.requireSignature,
      trusted_keys: policy.trustedKeys.map((key) => ({ name: key.name, public_key: key.publicKey })),
    },
  };
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
