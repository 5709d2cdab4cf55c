import { Injectable } from '@nestjs/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in_progress'; requestHash: string }
  | { state: 'completed'; requestHash: string; status: number; body: unknown };

export interface IdempotencyScope {
  orgId: string;
  callerSubject: string;
  key: string;
}

/** Idempotency-Key records: claim before the work, complete after it, forget on failure. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims the key for this request, or reports what an earlier request with the same key
   * did. A record older than the TTL is taken over as if it did not exist.
   */
  async claim(scope: IdempotencyScope, requestHash: string): Promise<IdempotencyClaim> {
    const ttl = `${IDEMPOTENCY_TTL_MS} milliseconds`;
    const claimed = await this.prisma.$queryRaw<{ key: string }[]>`
      INSERT INTO idempotency_keys AS k (org_id, caller_subject, key, request_hash)
      VALUES (${scope.orgId}, ${scope.callerSubject}, ${scope.key}, ${requestHash})
      ON CONFLICT (org_id, caller_subject, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = now()
        WHERE k.created_at < now() - ${ttl}::interval
      RETURNING key`;
    if (claimed.length) return { state: 'claimed' };
    const existing = await this.prisma.idempotencyKey.findUnique({
      where: { orgId_callerSubject_key: { orgId: scope.orgId, callerSubject: scope.callerSubject, key: scope.key } },
    });
    if (!existing) return this.claim(scope, requestHash); // expired and removed meanwhile: try again
    if (existing.responseStatus === null) return { state: 'in_progress', requestHash: existing.requestHash };
    return { state: 'completed', requestHash: existing.requestHash, status: existing.responseStatus, body: existing.responseBody };
  }

  async complete(scope: IdempotencyScope, status: number, body: unknown): Promise<void> {
    await this.prisma.idempotencyKey.update({
      where: { orgId_callerSubject_key: { orgId: scope.orgId, callerSubject: scope.callerSubject, key: scope.key } },
      data: { responseStatus: status, responseBody: body as Prisma.InputJsonValue },
    });
  }

  /** The request failed: a retry with the same key may run it again. */
  async release(scope: IdempotencyScope): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({
      where: { orgId: scope.orgId, callerSubject: scope.callerSubject, key: scope.key, responseStatus: null },
    });
  }

  /** Removes records past the TTL; returns how many. */
  async purgeExpired(): Promise<number> {
    const { count } = await this.prisma.idempotencyKey.deleteMany({
      where: { createdAt: { lt: new Date(Date.now() - IDEMPOTENCY_TTL_MS) } },
    });
    return count;
  }
}
