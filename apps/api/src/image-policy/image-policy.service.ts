import { Injectable } from '@nestjs/common';
import { EventOrigin, ImagePolicyRepository } from '@app/db';
import { ValidationHandover } from '../validation/validation-handover';
import { toResponse } from './image-policy.response';
import { ImagePolicyRequest, ImagePolicyResponse, ImagePolicyUpdateResponse } from './image-policy.schemas';

@Injectable()
export class ImagePolicyService {
  constructor(
    private readonly policies: ImagePolicyRepository,
    private readonly handover: ValidationHandover,
  ) {}

  async get(orgId: string): Promise<ImagePolicyResponse> {
    return toResponse(await this.policies.findForOrg(orgId));
  }

  /**
   * Stores the policy; when it changed, the org's templates were put back to pending in the same
   * transaction and are queued here in batches. Job ids are template ids, so a template whose
   * job is already queued or running is not doubled (a running one finds its row pending again
   * and is redone); a batch Redis refuses is marked for the outbox sweep to queue at once.
   */
  async put(orgId: string, request: ImagePolicyRequest, origin: EventOrigin): Promise<ImagePolicyUpdateResponse> {
    const change = await this.policies.replace(orgId, {
      requireSignature: request.requireSignature,
      // parseTrustedKey's SPKI PEM: one encoding per key, whatever was pasted (PKCS#1, one line...).
      trustedKeys: request.trustedKeys.map((entry) => ({ name: entry.name, publicKey: entry.key.pem })),
    }, origin);
    await this.handover.handOver(change.revalidate);
    return { ...toResponse(change.policy), templates_queued: change.revalidate.length };
  }
}
