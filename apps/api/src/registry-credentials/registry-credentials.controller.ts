import { Body, Controller, Param, Query, UseGuards } from '@nestjs/common';
import { AuthGuard, Caller, CurrentCaller, RateLimitGuard } from '@app/common';
import { EventOrigin, REGISTRY_CREDENTIAL_NOT_FOUND } from '@app/db';
import { MessageResponse } from '../contract/common.schemas';
import { Endpoint } from '../contract/operation';
import { body, query } from '../contract/schema-pipe';
import { UuidOr404Pipe } from '../contract/uuid-param.pipe';
import { CurrentOrigin } from '../events/event-origin.decorator';
import { RegistryCredentialOperations as Op } from './registry-credential.operations';
import {
  CREDENTIAL_CREATE_READ_ONLY_KEYS,
  CREDENTIAL_UPDATE_READ_ONLY_KEYS,
  ListRegistryCredentialsQuery,
  ListRegistryCredentialsQuerySchema,
  RegistryCredentialCreateRequest,
  RegistryCredentialCreateRequestSchema,
  RegistryCredentialListResponse,
  RegistryCredentialResponse,
  RegistryCredentialUpdateRequest,
  RegistryCredentialUpdateRequestSchema,
} from './registry-credential.schemas';
import { RegistryCredentialsService } from './registry-credentials.service';

const credentialId = new UuidOr404Pipe(REGISTRY_CREDENTIAL_NOT_FOUND);

@Controller()
@UseGuards(AuthGuard, RateLimitGuard)
export class RegistryCredentialsController {
  constructor(private readonly credentials: RegistryCredentialsService) {}

  @Endpoint(Op.list)
  list(
    @Param('org_id') orgId: string,
    @Query(query(ListRegistryCredentialsQuerySchema)) request: ListRegistryCredentialsQuery,
  ): Promise<RegistryCredentialListResponse> {
    return this.credentials.list(orgId, request);
  }

  @Endpoint(Op.create)
  create(
    @Param('org_id') orgId: string,
    @CurrentCaller() caller: Caller,
    @CurrentOrigin() origin: EventOrigin,
    @Body(body(RegistryCredentialCreateRequestSchema, { readOnlyKeys: CREDENTIAL_CREATE_READ_ONLY_KEYS })) request: RegistryCredentialCreateRequest,
  ): Promise<RegistryCredentialResponse> {
    return this.credentials.create(orgId, caller, request, origin);
  }

  @Endpoint(Op.get)
  get(@Param('org_id') orgId: string, @Param('credential_id', credentialId) id: string): Promise<RegistryCredentialResponse> {
    return this.credentials.get(orgId, id);
  }

  @Endpoint(Op.update)
  update(
    @Param('org_id') orgId: string,
    @Param('credential_id', credentialId) id: string,
    @CurrentOrigin() origin: EventOrigin,
    @Body(body(RegistryCredentialUpdateRequestSchema, { readOnlyKeys: CREDENTIAL_UPDATE_READ_ONLY_KEYS })) request: RegistryCredentialUpdateRequest,
  ): Promise<RegistryCredentialResponse> {
    return this.credentials.update(orgId, id, request, origin);
  }

  @Endpoint(Op.delete)
  delete(
    @Param('org_id') orgId: string,
    @Param('credential_id', credentialId) id: string,
    @CurrentOrigin() origin: EventOrigin,
  ): Promise<MessageResponse> {
    return this.credentials.delete(orgId, id, origin);
  }
}
