import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestWithCaller } from '@app/common';
import type { EventOrigin } from '@app/db';

/**
 * Who is making this request's changes, for the events they append: the caller (the access
 * token's `sub`) and the request id. Only on routes behind AuthGuard.
 */
export const CurrentOrigin = createParamDecorator((_data: unknown, context: ExecutionContext): EventOrigin => {
  const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithCaller>();
  if (!request.caller) throw new Error('CurrentOrigin used on a route without AuthGuard');
  return { actor: { type: 'user', id: request.caller.subject }, requestId: String(request.id) };
});
