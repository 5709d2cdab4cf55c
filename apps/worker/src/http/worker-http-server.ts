import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { checkReadiness, LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { PrismaService } from '@app/db';
import { PRODUCER_REDIS, ValidationQueueProducer } from '@app/queue';

/** The worker's only HTTP surface: /healthz, /readyz and /metrics on WORKER_HTTP_PORT. */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    private readonly prisma: PrismaService,
    private readonly producer: ValidationQueueProducer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.server = createServer((request, response) => {
      this.route(request.method ?? 'GET', (request.url ?? '/').split('?')[0])
        .then(({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body))
        .catch((error: Error) => {
          this.logger.error({ err: error }, 'worker http handler failed');
          response.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"internal_error","message":"Internal server error"}');
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.config.worker.httpPort, this.config.http.host, resolve));
    this.logger.info({ port: this.port }, 'worker health and metrics listening');
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  private async route(method: string, path: string): Promise<{ status: number; type: string; body: string }> {
    const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
    if (method !== 'GET') return json(404, { code: 'not_found', message: 'Route not found' });
    switch (path) {
      case '/healthz':
        return json(200, { status: 'ok' });
      case '/readyz': {
        const report = await checkReadiness(
          { postgres: () => this.prisma.$queryRaw`SELECT 1`, redis: () => this.redis.ping() },
          2000,
        );
        return json(report.status === 'ok' ? 200 : 503, report);
      }
      case '/metrics':
        await this.producer.recordQueueDepth(this.metrics);
        return { status: 200, type: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
      default:
        return json(404, { code: 'not_found', message: 'Route not found' });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
