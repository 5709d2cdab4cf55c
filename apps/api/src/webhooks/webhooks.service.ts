import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError } from '@app/common';
import { WebhookSecretCipher } from '@app/crypto';
import { EventOrigin, WebhookRepository } from '@app/db';
import { EgressPolicy } from '@app/oci';
import { encodeCursor, toPage } from '../contract/pagination';
import { refuseBlockedLiteralAddress } from './webhook-url';
import { toAttemptResponse, toWebhookResponse } from './webhook.response';
import {
  DeleteWebhookResponse,
  DeliveryAttemptListResponse,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  WebhookCreateRequest,
  WebhookListResponse,
  WebhookResponse,
  WebhookTestResponse,
  WebhookUpdateRequest,
} from './webhook.schemas';

const NOT_FOUND = 'Webhook not found';

@Injectable()
export class WebhooksService {
  private readonly egress: EgressPolicy;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhooks: WebhookRepository,
    private readonly cipher: WebhookSecretCipher,
  ) {
    this.egress = new EgressPolicy({ allowedPrivateHosts: config.webhooks.allowedPrivateHosts });
  }

  /** Creates the webhook with a fresh signing secret, returned this once (stored encrypted only). */
  async create(orgId: string, request: WebhookCreateRequest, origin: EventOrigin): Promise<WebhookResponse> {
    refuseBlockedLiteralAddress(request.url, this.egress);
    const id = randomUUID();
    const secret = WebhookSecretCipher.generate();
    const secretCiphertext = await this.cipher.encrypt(secret, { orgId, webhookId: id });
    const webhook = await this.webhooks.create({ id, orgId, ...request, secretCiphertext }, this.config.webhooks.quotaPerOrg, origin);
    return { ...toWebhookResponse(webhook), secret };
  }

  async list(orgId: string, query: ListWebhooksQuery): Promise<WebhookListResponse> {
    const rows = await this.webhooks.list(orgId, { ...query, limit: query.limit + 1 });
    return toPage(rows, query.limit, toWebhookResponse, encodeCursor);
  }

  async get(orgId: string, id: string): Promise<WebhookResponse> {
    const webhook = await this.webhooks.find(orgId, id);
    if (!webhook) throw DomainError.notFound(NOT_FOUND);
    return toWebhookResponse(webhook);
  }

  async update(orgId: string, id: string, request: WebhookUpdateRequest, origin: EventOrigin): Promise<WebhookResponse> {
    if (request.url !== undefined) refuseBlockedLiteralAddress(request.url, this.egress);
    const webhook = await this.webhooks.update(orgId, id, request, origin);
    if (!webhook) throw DomainError.notFound(NOT_FOUND);
    return toWebhookResponse(webhook);
  }

  async delete(orgId: string, id: string, origin: EventOrigin): Promise<DeleteWebhookResponse> {
    if (!(await this.webhooks.delete(orgId, id, origin))) throw DomainError.notFound(NOT_FOUND);
    return { message: 'Webhook deleted' };
  }

  /** Replaces the signing secret; the new one is returned this once. The old one stops working at once. */
  async rotateSecret(orgId: string, id: string, origin: EventOrigin): Promise<WebhookResponse> {
    const secret = WebhookSecretCipher.generate();
    const secretCiphertext = await this.cipher.encrypt(secret, { orgId, webhookId: id });
    const webhook = await this.webhooks.replaceSecret(orgId, id, secretCiphertext, origin);
    if (!webhook) throw DomainError.notFound(NOT_FOUND);
    return { ...toWebhookResponse(webhook), secret };
  }

  /** Appends a `webhook.test` event, which the worker delivers to this webhook whatever it subscribes to. */
  async test(orgId: string, id: string, origin: EventOrigin): Promise<WebhookTestResponse> {
    const eventId = await this.webhooks.appendTest(orgId, id, origin);
    if (eventId === null) throw DomainError.notFound(NOT_FOUND);
    return { event_id: eventId.toString() };
  }

  async deliveries(orgId: string, id: string, query: ListDeliveriesQuery): Promise<DeliveryAttemptListResponse> {
    if (!(await this.webhooks.find(orgId, id))) throw DomainError.notFound(NOT_FOUND);
    const rows = await this.webhooks.listAttempts(orgId, id, { ...query, limit: query.limit + 1 });
    return toPage(rows, query.limit, toAttemptResponse, (last) => encodeCursor({ createdAt: last.attemptedAt, id: last.id }));
  }
}
