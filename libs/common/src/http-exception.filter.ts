import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { mapError } from './error-body';
import { LOGGER } from './logging';

/**
 * The one place errors become responses. Unknown errors are logged with their stack and
 * shown to the caller only as `internal_error` with the request id to quote.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendError(this.logger, request, reply, error);
  }
}

export function sendError(logger: Logger, request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const mapped = mapError(error, String(request.id));
  if (mapped.unexpected) {
    logger.error({ err: error, requestId: request.id, route: request.routeOptions?.url }, 'unhandled error');
  } else if (mapped.status === 503) {
    logger.warn({ requestId: request.id, err: { message: (error as Error)?.message } }, 'dependency unavailable');
  }
  reply.headers(mapped.headers).code(mapped.status).send(mapped.body);
}
