import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { ValidationJobName, ValidationJobResult, ValidationQueueConsumer, ValidationQueueProducer } from '@app/queue';
import { RetryableValidationError, TemplateValidationService } from './template-validation.service';

/** Longest Retry-After we honour; a registry asking for more is retried after this. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * The validation queue's handlers and retry policy, handed to the queue's consumer. It only
 * routes jobs to the service; errors are never swallowed here, because a swallowed error
 * defeats the queue's retries.
 */
@Injectable()
export class TemplateValidationProcessor implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly validation: TemplateValidationService,
    private readonly consumer: ValidationQueueConsumer,
    private readonly producer: ValidationQueueProducer,
  ) {}

  onApplicationBootstrap(): void {
    const { backoffMs } = this.config.validation;
    this.consumer.start({
      handlers: {
        [ValidationJobName.ValidateTemplate]: (data, delivery) =>
          this.validation.validate(data.templateId, { jobId: delivery.jobId, number: delivery.attempt, max: delivery.maxAttempts }),
      },
      // Exponential backoff that waits at least as long as the registry's Retry-After.
      retryDelayMs: (attemptsMade, error) => {
        const exponential = backoffMs * 2 ** Math.max(0, attemptsMade - 1);
        const retryAfter = error instanceof RetryableValidationError ? (error.retryAfterMs ?? 0) : 0;
        return Math.min(Math.max(exponential, retryAfter), MAX_RETRY_AFTER_MS);
      },
      onCompleted: (data, result) => this.afterCompleted(data.templateId, result),
      onFailed: (data, error) => {
        if (error instanceof RetryableValidationError) return; // recorded and logged by the service
        this.logger.error({ templateId: data?.templateId, err: error }, 'validation job failed unexpectedly');
      },
    });
  }

  /**
   * A job that found its template changed mid-validation ends without writing; the job id is
   * free again once it completes, so queue a validation of the new values now.
   */
  private afterCompleted(templateId: string, result: ValidationJobResult): void {
    if (result.outcome === 'skipped' && result.reason === 'stale') void this.producer.enqueue(templateId);
  }
}
