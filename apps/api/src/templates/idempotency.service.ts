import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Caller, DomainError, ErrorCode } from '@app/common';
import { RegistryTokenCipher } from '@app/crypto';
import { IdempotencyRepository, IdempotencyScope, TemplateWriteRepository } from '@app/db';
import { TemplateCreateRequest, TemplateResponse } from './template.schemas';

export interface IdempotentResult {
  status: number;
  body: TemplateResponse;
  replayed: boolean;
}

/**
 * Idempotency-Key for POST create, scoped to the org and the caller, kept 24 hours: a retry
 * with the same key and body gets the original response and creates nothing; the same key
 * with another body is 422; a retry while the first request is in flight is 409.
 *
 * The stored fingerprint leaves the registry token out (no hash of a secret is stored); a
 * replay compares the retry's token with the created template's own encrypted token.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly templates: TemplateWriteRepository,
    private readonly cipher: RegistryTokenCipher,
  ) {}

  async run(
    orgId: string,
    caller: Caller,
    key: string,
    request: TemplateCreateRequest,
    create: () => Promise<TemplateResponse>,
  ): Promise<IdempotentResult> {
    const scope: IdempotencyScope = { orgId, callerSubject: caller.subject, key };
    const fingerprint = fingerprintOf(request);
    const claim = await this.keys.claim(scope, fingerprint);
    if (claim.state === 'in_progress') {
      throw new DomainError(ErrorCode.Conflict, 'A request with this Idempotency-Key is still in progress; retry shortly');
    }
    if (claim.state === 'completed') {
      const body = claim.body as TemplateResponse;
      if (claim.requestHash !== fingerprint || !(await this.sameToken(orgId, body.id, request))) {
        throw new DomainError(ErrorCode.IdempotencyMismatch, 'This Idempotency-Key was already used with a different request body');
      }
      return { status: claim.status, body, replayed: true };
    }
    let body: TemplateResponse;
    try {
      body = await create();
    } catch (error) {
      await this.keys.release(scope);
      throw error;
    }
    await this.keys.complete(scope, 201, body);
    return { status: 201, body, replayed: false };
  }

  private async sameToken(orgId: string, templateId: string, request: TemplateCreateRequest): Promise<boolean> {
    if (!request.credentials) return true; // the fingerprint already says the original had none
    const ciphertext = await this.templates.findTokenCiphertext(orgId, templateId);
    if (!ciphertext) return true; // deleted since: nothing left to compare against
    const stored = await this.cipher.decrypt(ciphertext, { orgId, templateId });
    return timingSafeEqual(sha256(stored), sha256(request.credentials.token));
  }
}

function fingerprintOf(request: TemplateCreateRequest): string {
  const canonical = JSON.stringify([
    request.name,
    request.description,
    request.category,
    request.image.toString(),
    request.credentials?.username ?? null,
    request.credentials ? 'token' : null,
    // Only when set, so fingerprints stored before registry credentials existed still match.
    ...(request.registryCredentialId !== null ? [request.registryCredentialId.toLowerCase()] : []),
  ]);
  return sha256(canonical).toString('hex');
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
