import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { METRICS, ServiceMetrics } from '../metrics';
import { checkReadiness, ReadinessReport } from '../readiness';

/** A dependency /readyz checks (Postgres, Redis), provided by the library that owns it. */
export interface ReadinessProbe {
  /** The key in the report's `checks`. */
  readonly name: string;
  ping(): Promise<unknown>;
}

/** Something that sets its gauges when /metrics is scraped (e.g. the queue depth). */
export interface MetricsSource {
  refreshMetrics(metrics: ServiceMetrics): Promise<void>;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');
export const METRICS_SOURCES = Symbol('METRICS_SOURCES');

/** Each readiness check gets this long before it counts as unreachable. */
const READINESS_TIMEOUT_MS = 2000;

/**
 * Liveness, readiness and metrics for load balancers, docker-compose and Prometheus; no
 * authentication. Served by the API and by the worker (HealthModule.forRoot).
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_PROBES) private readonly probes: readonly ReadinessProbe[],
    @Inject(METRICS_SOURCES) private readonly sources: readonly MetricsSource[],
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
  ) {}

  @Get('healthz')
  alive(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const checks = Object.fromEntries(this.probes.map((probe) => [probe.name, () => probe.ping()]));
    const report = await checkReadiness(checks, READINESS_TIMEOUT_MS);
    if (report.status !== 'ok') reply.code(503);
    return report;
  }

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    for (const source of this.sources) await source.refreshMetrics(this.metrics);
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
