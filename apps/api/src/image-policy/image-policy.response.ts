import type { ImagePolicyRecord } from '@app/db';
import { parseTrustedKey } from '@app/oci';
import type { ImagePolicyResponse } from './image-policy.schemas';

/** The one mapping from stored policy to API shape (`ImagePolicyResponseSchema`). */
export function toResponse(policy: ImagePolicyRecord): ImagePolicyResponse {
  return {
    require_signature: policy.requireSignature,
    trusted_keys: policy.trustedKeys.map((entry) => {
      const parsed = parseTrustedKey(entry.publicKey);
      return {
        name: entry.name,
        public_key: entry.publicKey,
        key_type: parsed.ok ? parsed.key.description : null,
        fingerprint: parsed.ok ? parsed.key.fingerprint : null,
      };
    }),
    updated_at: policy.updatedAt?.toISOString() ?? null,
  };
}
