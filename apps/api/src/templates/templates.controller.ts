import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AuthGuard, Caller, CurrentCaller } from '@app/common';
import { parseCreateTemplateRequest } from './dto/create-template.request';
import { parseListQuery } from './dto/list-templates.query';
import { DeleteTemplateResponse, TemplateListResponse, TemplateResponse } from './dto/template.response';
import { TemplatesService } from './templates.service';

@Controller('api/v1beta1/orgs/:org_id/airuntime-templates')
@UseGuards(AuthGuard)
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  list(@Param('org_id') orgId: string, @Query() query: Record<string, unknown>): Promise<TemplateListResponse> {
    return this.templates.list(orgId, parseListQuery(query));
  }

  @Post()
  @HttpCode(201)
  create(@Param('org_id') orgId: string, @CurrentCaller() caller: Caller, @Body() body: unknown): Promise<TemplateResponse> {
    return this.templates.create(orgId, caller, parseCreateTemplateRequest(body));
  }

  @Get(':template_id')
  get(@Param('org_id') orgId: string, @Param('template_id') templateId: string): Promise<TemplateResponse> {
    return this.templates.get(orgId, templateId);
  }

  @Delete(':template_id')
  @HttpCode(200)
  delete(@Param('org_id') orgId: string, @Param('template_id') templateId: string): Promise<DeleteTemplateResponse> {
    return this.templates.delete(orgId, templateId);
  }
}
