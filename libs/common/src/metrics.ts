import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Injection token for the process's ServiceMetrics. */
export const METRICS = Symbol('METRICS');

/**
 * Prometheus metrics of both processes, in one registry per process. Each process
 * registers what it records; /metrics serves `metrics.registry`.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly templatesCreated = new Counter({
    name: 'templates_created_total',
    help: 'Templates created through the API',
    registers: [this.registry],
  });

  readonly validations = new Counter({
    name: 'template_validations_total',
    help: 'Finished validations by outcome (passed, failed, retrying, skipped) and error code',
    labelNames: ['outcome', 'code'] as const,
    registers: [this.registry],
  });

  readonly validationDuration = new Histogram({
    name: 'template_validation_duration_seconds',
    help: 'Time to validate one template against its registry',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'validation_queue_jobs',
    help: 'Validation jobs by state (waiting, active, delayed, failed)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly sweepReenqueued = new Counter({
    name: 'validation_sweep_reenqueued_total',
    help: 'Templates the outbox sweep found without a live job and enqueued again',
    registers: [this.registry],
  });

  readonly revalidationsScheduled = new Counter({
    name: 'template_revalidations_scheduled_total',
    help: 'Active templates queued for periodic re-validation',
    registers: [this.registry],
  });

  readonly backgroundTaskDuration = new Histogram({
    name: 'background_task_duration_seconds',
    help: "Duration of one run of a worker's periodic task (outbox-sweep, revalidation)",
    labelNames: ['task'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly rateLimitBypassed = new Counter({
    name: 'rate_limit_bypassed_total',
    help: 'Requests let through without a rate limit because Redis could not be reached',
    registers: [this.registry],
  });

  constructor(processName: string) {
    this.registry.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: this.registry });
  }
}
