import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Caller, DomainError, METRICS, ServiceMetrics } from '@app/common';
import { RegistryTokenCipher } from '@app/crypto';
import {
  EventOrigin,
  REGISTRY_CREDENTIAL_NOT_FOUND,
  RegistryCredentialRecord,
  RegistryCredentialRepository,
  TemplateReadRepository,
  TemplateWriteRepository,
} from '@app/db';
import { templateWarnings, ImageReference } from '@app/oci';
import { ValidationQueueProducer } from '@app/queue';
import { encodeCursor, toPage } from '../contract/pagination';
import { ValidationHandover } from '../validation/validation-handover';
import { checkHostBinding, planUpdate, registryCredentialIdOr404 } from './template-credentials';
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
    private readonly handover: ValidationHandover,
    private readonly registryCredentials: RegistryCredentialRepository,
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
    let registryCredentialId: string | null = null;
    if (request.registryCredentialId !== null) {
      const credential = await this.findRegistryCredential(orgId, request.registryCredentialId);
      checkHostBinding(credential.registry, request.image, 'registry_credential_id');
      registryCredentialId = credential.id;
    }
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
        registryCredentialId,
        createdBy: caller.userId,
      },
      this.config.templates.quotaPerOrg,
      origin,
    );
    this.metrics.templatesCreated.inc();
    await this.handover.handOver([id]);
    return { ...toResponse(template), warnings: templateWarnings(request.image, request.credentials) };
  }

  async list(orgId: string, query: ListTemplatesQuery): Promise<TemplateListResponse> {
    return toPage(await this.reads.listInOrg(orgId, { ...query, limit: query.limit + 1 }), query.limit, toResponse, encodeCursor);
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
    const credential = request.registryCredentialId != null ? await this.findRegistryCredential(orgId, request.registryCredentialId) : null;
    // Encrypt outside the row lock; the context binds the token to this template.
    const ciphertext = request.token ? await this.cipher.encrypt(request.token, { orgId, templateId }) : null;
    const result = await this.writes.update(orgId, templateId, (current) => planUpdate(request, current, ciphertext, credential), origin);
    if (!result) throw DomainError.notFound();
    if (result.revalidate) await this.handover.handOver([templateId]);
    const image = request.image ?? ImageReference.parse(result.template.image);
    const credentials =
      result.template.ociRegistryUsername && request.token
        ? { username: result.template.ociRegistryUsername, token: request.token }
        : null;
    return { ...toResponse(result.template), warnings: templateWarnings(image, credentials) };
  }

  /** Queues a fresh validation; while one is already pending or running, nothing more is queued. */
  async requestValidation(orgId: string, templateId: string, origin: EventOrigin): Promise<TemplateResponse> {
    const result = await this.writes.requestValidation(orgId, templateId, origin);
    if (!result) throw DomainError.notFound();
    if (result.queued) await this.handover.handOver([templateId]);
    return toResponse(result.template);
  }

  /** The org's registry credential a request names; 404 when it is not one (another org's included). */
  private async findRegistryCredential(orgId: string, id: string): Promise<RegistryCredentialRecord> {
    const credential = await this.registryCredentials.findInOrg(orgId, registryCredentialIdOr404(id));
    if (!credential) throw DomainError.notFound(REGISTRY_CREDENTIAL_NOT_FOUND);
    return credential;
  }

  /** Deletes the row and its encrypted token for good, and drops its queued job. */
  async delete(orgId: string, templateId: string, origin: EventOrigin): Promise<DeleteTemplateResponse> {
    const deleted = await this.writes.deleteInOrg(orgId, templateId, origin);
    if (!deleted) throw DomainError.notFound();
    await this.validationQueue.remove(templateId);
    return { message: 'Template deleted' };
  }
}
