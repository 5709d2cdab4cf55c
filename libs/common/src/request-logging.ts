import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { ServiceMetrics } from './metrics';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's x-request-id when it is sane, else a fresh UUID. */
export function requestIdFrom(request: { headers: Record<string, unknown> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Echoes x-request-id on every response and writes one structured line per request
 * (request id, method, route, status, duration). Headers and bodies are never logged.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger, metrics: ServiceMetrics): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const route = routeOf(request);
    metrics.httpRequestDuration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
    const line = {
      requestId: request.id,
      method: request.method,
      route,
      status,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  });
}

export function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}
