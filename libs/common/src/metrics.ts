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

  readonly registryRequestsPerValidation = new Histogram({
    name: 'registry_requests_per_validation',
    help:
      'Requests one validation sent, by method, kind (ping, token, manifest, blob, referrers, tag-list, redirect, external; "all" for the total) and validation (first, unchanged, changed)',
    labelNames: ['method', 'kind', 'validation'] as const,
    buckets: [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64],
    registers: [this.registry],
  });

  readonly registryPermitWait = new Histogram({
    name: 'registry_permit_wait_seconds',
    help: 'Time a registry request waited for a permit of its host (REGISTRY_MAX_CONCURRENCY_PER_HOST, pauses)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });

  readonly registryGateLocalPermits = new Counter({
    name: 'registry_gate_local_permits_total',
    help: 'Registry request permits granted by the worker alone because Redis could not be reached',
    registers: [this.registry],
  });

  readonly registryHostPauses = new Counter({
    name: 'registry_host_pauses_total',
    help: 'Registry hosts paused for every worker after a 429 with Retry-After',
    registers: [this.registry],
  });

  readonly eventsWritten = new Counter({
    name: 'events_written_total',
    help: 'Events appended to the event log, by type (in the transaction of their change)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly eventStreams = new Gauge({
    name: 'event_stream_connections',
    help: 'Open Server-Sent Events streams of this API process',
    registers: [this.registry],
  });

  readonly eventStreamsClosed = new Counter({
    name: 'event_stream_disconnects_total',
    help: 'Event streams that ended, by reason (client, slow_reader, shutdown, error)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly eventStreamsRefused = new Counter({
    name: 'event_streams_refused_total',
    help: 'Event streams refused with 429 because the caller had EVENT_STREAMS_PER_CALLER open',
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome (succeeded, http_error, gone, network_error, timeout, blocked)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook deliveries that ended, by outcome (delivered, failed, cancelled)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookAttemptDuration = new Histogram({
    name: 'webhook_delivery_attempt_duration_seconds',
    help: 'Time of one webhook delivery attempt (connect, send, response headers and up to 1 KiB of body)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhookDeliveryLatency = new Histogram({
    name: 'webhook_delivery_latency_seconds',
    help: 'From the event to its successful delivery (retries included)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400],
    registers: [this.registry],
  });

  readonly webhookQueueJobs = new Gauge({
    name: 'webhook_delivery_queue_jobs',
    help: 'Webhook delivery jobs by state (waiting, active, delayed, failed)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  constructor(processName: string) {
    this.registry.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: this.registry });
  }
}
