import { ApiTag, defineOperation } from '../contract/operation';
import { OrgPathParams } from '../contract/common.schemas';
import {
  DeleteWebhookResponseSchema,
  DeliveryAttemptListResponseSchema,
  ListDeliveriesQuerySchema,
  ListWebhooksQuerySchema,
  WebhookCreateRequestSchema,
  WebhookListResponseSchema,
  WebhookPathParams,
  WebhookResponseSchema,
  WebhookTestResponseSchema,
  WebhookUpdateRequestSchema,
} from './webhook.schemas';

export const WEBHOOKS_TAG: ApiTag = {
  name: 'Webhooks',
  description:
    'Signed webhooks (Standard Webhooks): the events an organization subscribes to are POSTed to its https endpoint, signed with a secret shown once, retried for about a day, at least once each.\n',
};

const COLLECTION = '/api/v1beta1/orgs/{org_id}/webhooks';
const ITEM = `${COLLECTION}/{webhook_id}`;
const NOT_FOUND = 'Webhook not found.';

export const WebhookOperations = {
  list: defineOperation({
    method: 'get',
    path: COLLECTION,
    operationId: 'listOrgWebhooks',
    tags: [WEBHOOKS_TAG],
    summary: 'List webhooks',
    description: "The organization's webhooks, newest first (never their secrets).",
    params: OrgPathParams,
    query: ListWebhooksQuerySchema,
    success: { status: 200, description: 'A page of webhooks.', schema: WebhookListResponseSchema },
    errors: { 400: 'Invalid query parameter.' },
  }),
  create: defineOperation({
    method: 'post',
    path: COLLECTION,
    operationId: 'createOrgWebhook',
    tags: [WEBHOOKS_TAG],
    summary: 'Create a webhook',
    description:
      'Creates a webhook for the given event types. The response carries its signing secret (`secret`), the only time it is shown; store it to verify deliveries. URLs must be https; an IP address that is loopback, private, link-local or metadata is refused (a host name is checked when it is resolved, at each delivery).',
    params: OrgPathParams,
    body: { schema: WebhookCreateRequestSchema },
    success: { status: 201, description: 'The webhook, with its signing secret (shown this once).', schema: WebhookResponseSchema },
    errors: { 400: 'Invalid request (validation error, blocked address, or the org quota WEBHOOK_QUOTA_PER_ORG exceeded).' },
  }),
  get: defineOperation({
    method: 'get',
    path: ITEM,
    operationId: 'getOrgWebhook',
    tags: [WEBHOOKS_TAG],
    summary: 'Get a webhook',
    description: 'One webhook, with its last delivery (never its secret).',
    params: WebhookPathParams,
    success: { status: 200, description: 'The webhook.', schema: WebhookResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
  update: defineOperation({
    method: 'patch',
    path: ITEM,
    operationId: 'updateOrgWebhook',
    tags: [WEBHOOKS_TAG],
    summary: 'Update a webhook',
    description: 'Changes the given fields. `enabled: true` re-enables a webhook the service disabled.',
    params: WebhookPathParams,
    body: { schema: WebhookUpdateRequestSchema },
    success: { status: 200, description: 'The updated webhook.', schema: WebhookResponseSchema },
    errors: { 400: 'Invalid request.', 404: NOT_FOUND },
  }),
  delete: defineOperation({
    method: 'delete',
    path: ITEM,
    operationId: 'deleteOrgWebhook',
    tags: [WEBHOOKS_TAG],
    summary: 'Delete a webhook',
    description: 'Deletes the webhook with its pending deliveries and their history.',
    params: WebhookPathParams,
    success: { status: 200, description: 'The webhook was deleted.', schema: DeleteWebhookResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
  rotateSecret: defineOperation({
    method: 'post',
    path: `${ITEM}/rotate-secret`,
    operationId: 'rotateOrgWebhookSecret',
    tags: [WEBHOOKS_TAG],
    summary: 'Rotate the signing secret',
    description: 'Replaces the signing secret; the new one is in this response only. Deliveries are signed with it from now on.',
    params: WebhookPathParams,
    success: { status: 200, description: 'The webhook, with its new signing secret (shown this once).', schema: WebhookResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
  test: defineOperation({
    method: 'post',
    path: `${ITEM}/test`,
    operationId: 'testOrgWebhook',
    tags: [WEBHOOKS_TAG],
    summary: 'Send a test event',
    description: 'Queues a `webhook.test` event for this webhook, whatever it subscribes to (also while disabled). Its attempts show in …/deliveries.',
    params: WebhookPathParams,
    success: { status: 202, description: 'The test event was recorded and will be delivered.', schema: WebhookTestResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
  deliveries: defineOperation({
    method: 'get',
    path: `${ITEM}/deliveries`,
    operationId: 'listOrgWebhookDeliveries',
    tags: [WEBHOOKS_TAG],
    summary: 'List delivery attempts',
    description: 'Recent delivery attempts of the webhook, newest first (kept 30 days): outcome, HTTP status, time, duration and at most 1 KiB of the answer.',
    params: WebhookPathParams,
    query: ListDeliveriesQuerySchema,
    success: { status: 200, description: 'A page of attempts.', schema: DeliveryAttemptListResponseSchema },
    errors: { 400: 'Invalid query parameter.', 404: NOT_FOUND },
  }),
};
