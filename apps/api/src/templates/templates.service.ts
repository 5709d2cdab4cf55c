import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Caller, DomainError, METRICS, ServiceMetrics } from '@app/common';
import { RegistryTokenCipher } from '@app/crypto';
import { TemplateRepository } from '@app/db';
import { ValidationQueueProducer } from '@app/queue';
import { CreateTemplateRequest } from './dto/create-template.request';
import { encodeCursor } from './dto/list-templates.query';
import type { ListQuery } from '@app/db';
import { DeleteTemplateResponse, TemplateListResponse, TemplateResponse, toResponse } from './dto/template.response';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class TemplatesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly templates: TemplateRepository,
    private readonly cipher: RegistryTokenCipher,
    private readonly validationQueue: ValidationQueueProducer,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
  ) {}

  /**
   * Stores the template (Inactive, validation pending) with its token encrypted, then hands
   * it to the validation queue. The row is the record of pending work: if Redis is down the
   * create still succeeds and the worker's sweep enqueues it later.
   */
  async create(orgId: string, caller: Caller, request: CreateTemplateRequest): Promise<TemplateResponse> {
    const id = randomUUID();
    const ciphertext = request.credentials
      ? await this.cipher.encrypt(request.credentials.token, { orgId, templateId: id })
      : null;
    const template = await this.templates.create(
      {
        id,
        orgId,
        name: request.name,
        description: request.description,
        category: request.category,
        image: request.image.toString(),
        ociRegistryUsername: request.credentials?.username ?? null,
        ociRegistryTokenCiphertext: ciphertext,
        createdBy: caller.userId,
      },
      this.config.templates.quotaPerOrg,
    );
    this.metrics.templatesCreated.inc();
    await this.validationQueue.enqueue(id);
    return toResponse(template);
  }

  async list(orgId: string, query: ListQuery): Promise<TemplateListResponse> {
    const page = await this.templates.listInOrg(orgId, { ...query, limit: query.limit + 1 });
    const hasMore = page.length > query.limit;
    const items = hasMore ? page.slice(0, query.limit) : page;
    const last = items[items.length - 1];
    return { data: items.map(toResponse), next_cursor: hasMore && last ? encodeCursor(last) : null };
  }

  async get(orgId: string, templateId: string): Promise<TemplateResponse> {
    const template = UUID.test(templateId) ? await this.templates.findInOrg(orgId, templateId) : null;
    if (!template) throw DomainError.notFound();
    return toResponse(template);
  }

  /** Deletes the row and its encrypted token for good, and drops its queued job. */
  async delete(orgId: string, templateId: string): Promise<DeleteTemplateResponse> {
    const deleted = UUID.test(templateId) && (await this.templates.deleteInOrg(orgId, templateId));
    if (!deleted) throw DomainError.notFound();
    await this.validationQueue.remove(templateId);
    return { message: 'Template deleted' };
  }
}
