import { Body, Controller, Param, Query, UseGuards } from '@nestjs/common';
import { AuthGuard, RateLimitGuard } from '@app/common';
import type { EventOrigin } from '@app/db';
import { Endpoint } from '../contract/operation';
import { body, query } from '../contract/schema-pipe';
import { UuidOr404Pipe } from '../contract/uuid-param.pipe';
import { CurrentOrigin } from '../events/event-origin.decorator';
import { WebhookOperations as Op } from './webhook.operations';
import {
  DeleteWebhookResponse,
  DeliveryAttemptListResponse,
  ListDeliveriesQuery,
  ListDeliveriesQuerySchema,
  ListWebhooksQuery,
  ListWebhooksQuerySchema,
  WEBHOOK_READ_ONLY_KEYS,
  WebhookCreateRequest,
  WebhookCreateRequestSchema,
  WebhookListResponse,
  WebhookResponse,
  WebhookTestResponse,
  WebhookUpdateRequest,
  WebhookUpdateRequestSchema,
} from './webhook.schemas';
import { WebhooksService } from './webhooks.service';

const webhookId = new UuidOr404Pipe('Webhook not found');

@Controller()
@UseGuards(AuthGuard, RateLimitGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Endpoint(Op.list)
  list(@Param('org_id') orgId: string, @Query(query(ListWebhooksQuerySchema)) request: ListWebhooksQuery): Promise<WebhookListResponse> {
    return this.webhooks.list(orgId, request);
  }

  @Endpoint(Op.create)
  create(
    @Param('org_id') orgId: string,
    @CurrentOrigin() origin: EventOrigin,
    @Body(body(WebhookCreateRequestSchema, { readOnlyKeys: WEBHOOK_READ_ONLY_KEYS })) request: WebhookCreateRequest,
  ): Promise<WebhookResponse> {
    return this.webhooks.create(orgId, request, origin);
  }

  @Endpoint(Op.get)
  get(@Param('org_id') orgId: string, @Param('webhook_id', webhookId) id: string): Promise<WebhookResponse> {
    return this.webhooks.get(orgId, id);
  }

  @Endpoint(Op.update)
  update(
    @Param('org_id') orgId: string,
    @Param('webhook_id', webhookId) id: string,
    @CurrentOrigin() origin: EventOrigin,
    @Body(body(WebhookUpdateRequestSchema, { readOnlyKeys: WEBHOOK_READ_ONLY_KEYS })) request: WebhookUpdateRequest,
  ): Promise<WebhookResponse> {
    return this.webhooks.update(orgId, id, request, origin);
  }

  @Endpoint(Op.delete)
  delete(@Param('org_id') orgId: string, @Param('webhook_id', webhookId) id: string, @CurrentOrigin() origin: EventOrigin): Promise<DeleteWebhookResponse> {
    return this.webhooks.delete(orgId, id, origin);
  }

  @Endpoint(Op.rotateSecret)
  rotateSecret(@Param('org_id') orgId: string, @Param('webhook_id', webhookId) id: string, @CurrentOrigin() origin: EventOrigin): Promise<WebhookResponse> {
    return this.webhooks.rotateSecret(orgId, id, origin);
  }

  @Endpoint(Op.test)
  test(@Param('org_id') orgId: string, @Param('webhook_id', webhookId) id: string, @CurrentOrigin() origin: EventOrigin): Promise<WebhookTestResponse> {
    return this.webhooks.test(orgId, id, origin);
  }

  @Endpoint(Op.deliveries)
  deliveries(
    @Param('org_id') orgId: string,
    @Param('webhook_id', webhookId) id: string,
    @Query(query(ListDeliveriesQuerySchema)) request: ListDeliveriesQuery,
  ): Promise<DeliveryAttemptListResponse> {
    return this.webhooks.deliveries(orgId, id, request);
  }
}
