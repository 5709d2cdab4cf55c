import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Caller, DomainError, METRICS, ServiceMetrics } from '@app/common';
import { RegistryTokenCipher } from '@app/crypto';
import {
  CurrentTemplateSpec,
  EventOrigin,
  TemplateReadRepository,
  TemplateUpdate,
  TemplateWriteRepository,
  ValidationOutboxRepository,
} from '@app/db';
import { credentialWarnings, ImageReference } from '@app/oci';
import { ValidationQueueProducer } from '@app/queue';
import { encodeCursor, toPage } from '../contract/pagination';
import { toResponse } from './template.response';
import {
  DeleteTemplateResponse,
  ListTemplatesQuery,
  TemplateCreateRequest,
  TemplateListResponse,
  TemplateResponse,
  TemplateUpdateRequest,
} from './template.schemas';

@Injectable()
export class TemplatesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reads: TemplateReadRepository,
    private readonly writes: TemplateWriteRepository,
    private readonly outbox: ValidationOutboxRepository,
    private readonly cipher: RegistryTokenCipher,
    private readonly validationQueue: ValidationQueueProducer,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
  ) {}

  /**
   * Stores the template (Inactive, validation pending) with its token encrypted, then hands
   * it to the validation queue. The row is the record of pending work: if Redis is down the
   * create still succeeds and the worker's sweep enqueues it later.
   */
  async create(orgId: string, caller: Caller, request: TemplateCreateRequest, origin: EventOrigin): Promise<TemplateResponse> {
    const id = randomUUID();
    const ciphertext = request.credentials
      ? await this.cipher.encrypt(request.credentials.token, { orgId, templateId: id })
      : null;
    const template = await this.writes.create(
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
      origin,
    );
    this.metrics.templatesCreated.inc();
    await this.handOverToWorker(id);
    return { ...toResponse(template), warnings: credentialWarnings(request.image, request.credentials) };
  }

  async list(orgId: string, query: ListTemplatesQuery): Promise<TemplateListResponse> {
    const rows = await this.reads.listInOrg(orgId, { ...query, limit: query.limit + 1 });
    return toPage(rows, query.limit, toResponse, encodeCursor);
  }

  async get(orgId: string, templateId: string): Promise<TemplateResponse> {
    const template = await this.reads.findInOrg(orgId, templateId);
    if (!template) throw DomainError.notFound();
    return toResponse(template);
  }

  /**
   * Changes what was given. A new image or new credentials send the template back to
   * Inactive and start a new validation; a validation of the old values can no longer flip it.
   */
  async update(orgId: string, templateId: string, request: TemplateUpdateRequest, origin: EventOrigin): Promise<TemplateResponse> {
    // Encrypt outside the row lock; the context binds the token to this template.
    const ciphertext = request.token ? await this.cipher.encrypt(request.token, { orgId, templateId }) : null;
    const result = await this.writes.update(orgId, templateId, (current) => planUpdate(request, current, ciphertext), origin);
    if (!result) throw DomainError.notFound();
    if (result.revalidate) await this.handOverToWorker(templateId);
    const image = request.image ?? ImageReference.parse(result.template.image);
    const credentials =
      result.template.ociRegistryUsername && request.token
        ? { username: result.template.ociRegistryUsername, token: request.token }
        : null;
    return { ...toResponse(result.template), warnings: credentialWarnings(image, credentials) };
  }

  /** Queues a fresh validation; while one is already pending or running, nothing more is queued. */
  async requestValidation(orgId: string, templateId: string, origin: EventOrigin): Promise<TemplateResponse> {
    const result = await this.writes.requestValidation(orgId, templateId, origin);
    if (!result) throw DomainError.notFound();
    if (result.queued) await this.handOverToWorker(templateId);
    return toResponse(result.template);
  }

  /**
   * Adds the validation job. If Redis cannot take it, the row (already pending) stays the
   * record of the work, marked so that the worker's next sweep enqueues it without delay.
   */
  private async handOverToWorker(templateId: string): Promise<void> {
    if (!(await this.validationQueue.enqueue(templateId))) await this.outbox.markNotQueued(templateId);
  }

  /** Deletes the row and its encrypted token for good, and drops its queued job. */
  async delete(orgId: string, templateId: string, origin: EventOrigin): Promise<DeleteTemplateResponse> {
    const deleted = await this.writes.deleteInOrg(orgId, templateId, origin);
    if (!deleted) throw DomainError.notFound();
    await this.validationQueue.remove(templateId);
    return { message: 'Template deleted' };
  }
}

/** Resolves the credential rules of PATCH against the stored row (both or neither, always). */
function planUpdate(request: TemplateUpdateRequest, current: CurrentTemplateSpec, ciphertext: Buffer | null): TemplateUpdate {
  const update: TemplateUpdate = {
    name: request.name,
    description: request.description,
    category: request.category,
    image: request.image?.toString(),
  };
  if (request.username === null) {
    update.credentials = null;
  } else if (request.username !== undefined || request.token !== undefined) {
    const username = request.username ?? current.ociRegistryUsername;
    if (!username) throw DomainError.validation('oci_registry_username', 'is required when oci_registry_token is set');
    if (!ciphertext && !current.hasRegistryToken) {
      throw DomainError.validation('oci_registry_token', 'is required when oci_registry_username is set');
    }
    update.credentials = { username, ciphertext };
  }
  return update;
}
