import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../domain-error';
import { AccessTokenVerifier } from './access-token-verifier';
import { RequestWithCaller } from './caller';
import { shorten } from '../text';

/**
 * Authenticates every request and, on routes with an `org_id` parameter, requires the
 * caller to belong to that organization (403 otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly verifier: AccessTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithCaller>();
    const caller = await this.verifier.verify(request.headers.authorization);
    const orgId = (request.params as Record<string, string> | undefined)?.org_id;
    if (orgId !== undefined && !caller.orgs.has(orgId)) {
      throw new DomainError(ErrorCode.Forbidden, `You are not a member of organization "${shorten(orgId, 64)}"`);
    }
    request.caller = caller;
    return true;
  }
}
