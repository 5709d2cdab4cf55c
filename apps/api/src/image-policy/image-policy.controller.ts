import { Body, Controller, Param, UseGuards } from '@nestjs/common';
import { AuthGuard, RateLimitGuard } from '@app/common';
import { EventOrigin } from '@app/db';
import { Endpoint } from '../contract/operation';
import { body } from '../contract/schema-pipe';
import { CurrentOrigin } from '../events/event-origin.decorator';
import { ImagePolicyOperations as Op } from './image-policy.operations';
import {
  IMAGE_POLICY_READ_ONLY_KEYS,
  ImagePolicyRequest,
  ImagePolicyRequestSchema,
  ImagePolicyResponse,
  ImagePolicyUpdateResponse,
} from './image-policy.schemas';
import { ImagePolicyService } from './image-policy.service';

@Controller()
@UseGuards(AuthGuard, RateLimitGuard)
export class ImagePolicyController {
  constructor(private readonly policies: ImagePolicyService) {}

  @Endpoint(Op.get)
  get(@Param('org_id') orgId: string): Promise<ImagePolicyResponse> {
    return this.policies.get(orgId);
  }

  @Endpoint(Op.put)
  put(
    @Param('org_id') orgId: string,
    @CurrentOrigin() origin: EventOrigin,
    @Body(body(ImagePolicyRequestSchema, { readOnlyKeys: IMAGE_POLICY_READ_ONLY_KEYS })) request: ImagePolicyRequest,
  ): Promise<ImagePolicyUpdateResponse> {
    return this.policies.put(orgId, request, origin);
  }
}
