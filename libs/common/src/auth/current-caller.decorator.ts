import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Caller, RequestWithCaller } from './caller';

/** The Caller that AuthGuard attached to the request. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<RequestWithCaller>();
  if (!request.caller) throw new Error('CurrentCaller used on a route without AuthGuard');
  return request.caller;
});
