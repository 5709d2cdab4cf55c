import { Injectable } from '@nestjs/common';
import { ImagePolicyRepository, ValidationOutboxRepository } from '@app/db';
import { ValidationQueueProducer } from '@app/queue';
import { toResponse } from './image-policy.response';
import { ImagePolicyRequest, ImagePolicyResponse, ImagePolicyUpdateResponse } from './image-policy.schemas';

/** Jobs handed to Redis per call (one `addBulk`), so a large org is queued in bounded steps. */
const ENQUEUE_BATCH = 500;

@Injectable()
export class ImagePolicyService {
  constructor(
    private readonly policies: ImagePolicyRepository,
    private readonly outbox: ValidationOutboxRepository,
    private readonly validationQueue: ValidationQueueProducer,
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
  async put(orgId: string, request: ImagePolicyRequest): Promise<ImagePolicyUpdateResponse> {
    const change = await this.policies.replace(orgId, {
      requireSignature: request.requireSignature,
      // parseTrustedKey's SPKI PEM: one encoding per key, whatever was pasted (PKCS#1, one line...).
      trustedKeys: request.trustedKeys.map((entry) => ({ name: entry.name, publicKey: entry.key.pem })),
    });
    for (let start = 0; start < change.revalidate.length; start += ENQUEUE_BATCH) {
      const batch = change.revalidate.slice(start, start + ENQUEUE_BATCH);
      if ((await this.validationQueue.enqueueMany(batch)) === 0) await this.outbox.markAllNotQueued(batch);
    }
    return { ...toResponse(change.policy), templates_queued: change.revalidate.length };
  }
}
