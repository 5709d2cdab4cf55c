import { Body, Controller, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthGuard, Caller, CurrentCaller, RateLimitGuard } from '@app/common';
import type { EventOrigin } from '@app/db';
import { Endpoint } from '../contract/operation';
import { body, header, query, RequestHeader } from '../contract/schema-pipe';
import { UuidOr404Pipe } from '../contract/uuid-param.pipe';
import { CurrentOrigin } from '../events/event-origin.decorator';
import { IdempotencyService } from './idempotency.service';
import { IdempotencyKeySchema, TemplateOperations as Op } from './template.operations';
import {
  DeleteTemplateResponse,
  ListTemplatesQuery,
  ListTemplatesQuerySchema,
  TEMPLATE_READ_ONLY_KEYS,
  TemplateCreateRequest,
  TemplateCreateRequestSchema,
  TemplateListResponse,
  TemplateResponse,
  TemplateUpdateRequest,
  TemplateUpdateRequestSchema,
} from './template.schemas';
import { TemplatesService } from './templates.service';

const templateId = new UuidOr404Pipe('Template not found');

@Controller()
@UseGuards(AuthGuard, RateLimitGuard)
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Endpoint(Op.list)
  list(@Param('org_id') orgId: string, @Query(query(ListTemplatesQuerySchema)) request: ListTemplatesQuery): Promise<TemplateListResponse> {
    return this.templates.list(orgId, request);
  }

  @Endpoint(Op.create)
  async create(
    @Param('org_id') orgId: string,
    @CurrentCaller() caller: Caller,
    @CurrentOrigin() origin: EventOrigin,
    @Body(body(TemplateCreateRequestSchema, { readOnlyKeys: TEMPLATE_READ_ONLY_KEYS })) request: TemplateCreateRequest,
    @RequestHeader('idempotency-key', header(IdempotencyKeySchema, 'Idempotency-Key')) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TemplateResponse> {
    if (idempotencyKey === undefined) return this.templates.create(orgId, caller, request, origin);
    const result = await this.idempotency.run(orgId, caller, idempotencyKey, request, () =>
      this.templates.create(orgId, caller, request, origin),
    );
    reply.code(result.status).header('idempotent-replayed', String(result.replayed));
    return result.body;
  }

  @Endpoint(Op.get)
  get(@Param('org_id') orgId: string, @Param('template_id', templateId) id: string): Promise<TemplateResponse> {
    return this.templates.get(orgId, id);
  }

  @Endpoint(Op.update)
  update(
    @Param('org_id') orgId: string,
    @Param('template_id', templateId) id: string,
    @CurrentOrigin() origin: EventOrigin,
    @Body(body(TemplateUpdateRequestSchema, { readOnlyKeys: TEMPLATE_READ_ONLY_KEYS })) request: TemplateUpdateRequest,
  ): Promise<TemplateResponse> {
    return this.templates.update(orgId, id, request, origin);
  }

  @Endpoint(Op.validate)
  validate(
    @Param('org_id') orgId: string,
    @Param('template_id', templateId) id: string,
    @CurrentOrigin() origin: EventOrigin,
  ): Promise<TemplateResponse> {
    return this.templates.requestValidation(orgId, id, origin);
  }

  @Endpoint(Op.delete)
  delete(
    @Param('org_id') orgId: string,
    @Param('template_id', templateId) id: string,
    @CurrentOrigin() origin: EventOrigin,
  ): Promise<DeleteTemplateResponse> {
    return this.templates.delete(orgId, id, origin);
  }
}
