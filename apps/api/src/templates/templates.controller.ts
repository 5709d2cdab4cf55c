import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthGuard, Caller, CurrentCaller, RateLimitGuard } from '@app/common';
import { parseCreateTemplateRequest } from './dto/create-template.request';
import { parseListQuery } from './dto/list-templates.query';
import { parseUpdateTemplateRequest } from './dto/update-template.request';
import {
  DeleteTemplateResponse,
  TemplateListResponse,
  TemplateResponse,
  TemplateWriteResponse,
} from './dto/template.response';
import { IdempotencyService } from './idempotency.service';
import { TemplatesService } from './templates.service';

@Controller('api/v1beta1/orgs/:org_id/airuntime-templates')
@UseGuards(AuthGuard, RateLimitGuard)
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Get()
  list(@Param('org_id') orgId: string, @Query() query: Record<string, unknown>): Promise<TemplateListResponse> {
    return this.templates.list(orgId, parseListQuery(query));
  }

  @Post()
  async create(
    @Param('org_id') orgId: string,
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TemplateWriteResponse> {
    const request = parseCreateTemplateRequest(body);
    const key = IdempotencyService.parseKey(idempotencyKey);
    if (key === undefined) {
      reply.code(201);
      return this.templates.create(orgId, caller, request);
    }
    const result = await this.idempotency.run(orgId, caller, key, request, () => this.templates.create(orgId, caller, request));
    reply.code(result.status).header('idempotent-replayed', String(result.replayed));
    return result.body as TemplateWriteResponse;
  }

  @Get(':template_id')
  get(@Param('org_id') orgId: string, @Param('template_id') templateId: string): Promise<TemplateResponse> {
    return this.templates.get(orgId, templateId);
  }

  @Patch(':template_id')
  update(
    @Param('org_id') orgId: string,
    @Param('template_id') templateId: string,
    @Body() body: unknown,
  ): Promise<TemplateWriteResponse> {
    return this.templates.update(orgId, templateId, parseUpdateTemplateRequest(body));
  }

  @Post(':template_id/validate')
  @HttpCode(202)
  validate(@Param('org_id') orgId: string, @Param('template_id') templateId: string): Promise<TemplateResponse> {
    return this.templates.requestValidation(orgId, templateId);
  }

  @Delete(':template_id')
  @HttpCode(200)
  delete(@Param('org_id') orgId: string, @Param('template_id') templateId: string): Promise<DeleteTemplateResponse> {
    return this.templates.delete(orgId, templateId);
  }
}
