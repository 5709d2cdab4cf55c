import { ApiTag, defineOperation } from '../contract/operation';
import { OrgPathParams } from '../contract/common.schemas';
import { ImagePolicyRequestSchema, ImagePolicyResponseSchema, ImagePolicyUpdateResponseSchema } from './image-policy.schemas';

export const IMAGE_POLICY_TAG: ApiTag = {
  name: 'Image policy',
  description:
    "Which public keys may sign the organization's images, and whether every template's image must carry a verified signature. Validation looks for cosign signatures of the resolved digest (OCI 1.1 referrers API and the `sha256-<hex>.sig` tag) and checks them against these keys.",
};
const ITEM = '/api/v1beta1/orgs/{org_id}/image-policy';

export const ImagePolicyOperations = {
  get: defineOperation({
    method: 'get',
    path: ITEM,
    operationId: 'getOrgImagePolicy',
    tags: [IMAGE_POLICY_TAG],
    summary: "Get the organization's image policy",
    description: 'An organization that never set a policy has the default: `{"require_signature": false, "trusted_keys": []}`.',
    params: OrgPathParams,
    success: { status: 200, description: "The organization's image policy.", schema: ImagePolicyResponseSchema },
    errors: {},
  }),
  put: defineOperation({
    method: 'put',
    path: ITEM,
    operationId: 'putOrgImagePolicy',
    tags: [IMAGE_POLICY_TAG],
    summary: "Set the organization's image policy",
    description:
      "Replaces the policy. When it differs from the stored one, every template of the organization is validated again under it (queued at once, at most once each; a template keeps its status until its validation ends). Sending the stored policy again changes nothing. `require_signature: true` needs at least one key.",
    params: OrgPathParams,
    body: { schema: ImagePolicyRequestSchema },
    success: { status: 200, description: 'The stored policy and how many templates were queued for validation.', schema: ImagePolicyUpdateResponseSchema },
    errors: { 400: 'Invalid policy (the message names the field, e.g. `trusted_keys[2].public_key`).' },
  }),
};
