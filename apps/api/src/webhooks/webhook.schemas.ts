import { z } from 'zod';
import { eventTypePrefixes, isEventTypePattern } from '@app/db';
import { boundedString, OrgPathParams, pathString, requiredString, timestamp, uuidString } from '../contract/common.schemas';
import { keysetCursor, nextCursor, pageLimit } from '../contract/pagination';

/**
 * The webhooks resource, defined once (requests with their messages, responses, the types).
 * Which addresses a URL may name depends on configuration (WEBHOOK_ALLOWED_PRIVATE_HOSTS), so
 * that check is the service's (webhook-url.ts); everything static is here.
 */

export const MAX_URL_LENGTH = 2048;
export const MAX_EVENT_TYPES = 50;
export const MAX_WEBHOOK_DESCRIPTION = 500;

const url = requiredString()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters long`)
  .superRefine((value, context) => {
    const problem = urlProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem, input: value });
  })
  .meta({ format: 'uri', description: 'Where deliveries are POSTed: an https URL without credentials.' });

/** Static URL rules; '' when the URL passes them. */
function urlProblem(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://hooks.example.com/airuntime';
  }
  if (parsed.protocol !== 'https:') return 'must use https';
  if (parsed.username || parsed.password) return 'must not contain credentials (user:password@); authenticate deliveries by their signature';
  if (parsed.hash) return 'must not contain a fragment (#…)';
  return '';
}

const NOT_AN_EVENT_TYPE = `must be an event type or a prefix of types ending in a dot (${eventTypePrefixes().join(', ')})`;

const eventTypes = z
  .array(z.string({ error: NOT_AN_EVENT_TYPE }).refine(isEventTypePattern, NOT_AN_EVENT_TYPE), {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be a list of event types'),
  })
  .min(1, 'must list at least one event type or prefix')
  .max(MAX_EVENT_TYPES, `must list at most ${MAX_EVENT_TYPES} event types or prefixes`)
  .transform((types) => [...new Set(types)])
  .meta({ description: 'Event types (`template.validation.failed`) or prefixes ending in a dot (`template.`) to deliver.' });

const enabled = z.boolean({ error: 'must be true or false' }).meta({ description: 'Deliveries are made only while enabled.' });
const description = boundedString(0, MAX_WEBHOOK_DESCRIPTION).meta({ description: 'What the webhook is for.' });

export const WebhookCreateRequestSchema = z
  .strictObject({ url, event_types: eventTypes, enabled: enabled.optional(), description: description.optional() })
  .transform(({ url: target, event_types, enabled: on, description: text }) => ({
    url: target,
    eventTypes: event_types,
    enabled: on ?? true,
    description: text ?? '',
  }))
  .meta({ id: 'WebhookCreateRequest', description: 'A new webhook; its signing secret is returned once, in the response.' });

export type WebhookCreateRequest = z.output<typeof WebhookCreateRequestSchema>;

export const WebhookUpdateRequestSchema = z
  .strictObject({ url: url.optional(), event_types: eventTypes.optional(), enabled: enabled.optional(), description: description.optional() })
  .superRefine((body, context) => {
    if (Object.keys(body).length === 0) context.addIssue({ code: 'custom', path: [], message: 'must contain at least one field to change' });
  })
  .transform(({ url: target, event_types, enabled: on, description: text }) => ({
    url: target,
    eventTypes: event_types,
    enabled: on,
    description: text,
  }))
  .meta({
    id: 'WebhookUpdateRequest',
    description: 'Changes some fields. Enabling a webhook the service disabled starts its failure clock over.',
    minProperties: 1,
  });

export type WebhookUpdateRequest = z.output<typeof WebhookUpdateRequestSchema>;

export const WebhookPathParams = OrgPathParams.extend({ webhook_id: pathString('The webhook identifier.') });

export const ListWebhooksQuerySchema = z
  .strictObject({ limit: pageLimit(), cursor: keysetCursor() })
  .transform(({ limit, cursor }) => ({ limit, after: cursor }));
export type ListWebhooksQuery = z.output<typeof ListWebhooksQuerySchema>;

export const ListDeliveriesQuerySchema = ListWebhooksQuerySchema;
export type ListDeliveriesQuery = ListWebhooksQuery;

// ---- responses -----------------------------------------------------------------------------

export const WebhookResponseSchema = z
  .object({
    id: uuidString().meta({ readOnly: true }),
    url: z.string(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    description: z.string(),
    created_at: timestamp().meta({ readOnly: true }),
    updated_at: timestamp().meta({ readOnly: true }),
    disabled_reason: z
      .enum(['gone', 'failing'])
      .nullable()
      .meta({
        readOnly: true,
        description: 'Why the service disabled it: the endpoint answered 410 Gone, or deliveries failed for WEBHOOK_DISABLE_AFTER (3 days). Null otherwise.',
      }),
    last_delivery: z
      .object({
        status: z.enum(['succeeded', 'failed']),
        at: timestamp(),
        http_status: z.int().nullable().meta({ description: 'The HTTP status of the answer; null when none came (refused, timed out, blocked).' }),
      })
      .nullable()
      .meta({ readOnly: true, description: 'The last delivery attempt; null before the first.' }),
    secret: z
      .string()
      .optional()
      .meta({
        readOnly: true,
        description: 'The signing secret (`whsec_…`): only in the responses of create and rotate-secret, never again. Verify deliveries with it.',
      }),
  })
  .meta({ id: 'Webhook', description: 'A signed webhook: events of the given types are POSTed to its URL (Standard Webhooks).' });

export type WebhookResponse = z.infer<typeof WebhookResponseSchema>;

export const WebhookListResponseSchema = z
  .object({ data: z.array(WebhookResponseSchema), next_cursor: nextCursor() })
  .meta({ id: 'WebhookListResponse', description: 'Webhooks, newest first.' });
export type WebhookListResponse = z.infer<typeof WebhookListResponseSchema>;

export const DeleteWebhookResponseSchema = z.object({ message: z.string() });
export type DeleteWebhookResponse = z.infer<typeof DeleteWebhookResponseSchema>;

export const WebhookTestResponseSchema = z
  .object({
    event_id: z.string().meta({ description: 'The `webhook.test` event queued for this webhook; its attempts show in …/deliveries.' }),
  })
  .meta({ id: 'WebhookTestResponse' });
export type WebhookTestResponse = z.infer<typeof WebhookTestResponseSchema>;

export const DeliveryAttemptSchema = z
  .object({
    id: uuidString(),
    message_id: z.string().meta({ description: 'The `webhook-id` header: the same on every attempt of one event.' }),
    event_id: z.string(),
    event_type: z.string(),
    attempt: z.int().meta({ description: '1 for the first attempt of this message.' }),
    attempted_at: timestamp(),
    outcome: z
      .enum(['succeeded', 'http_error', 'gone', 'network_error', 'timeout', 'blocked'])
      .meta({ description: '`blocked`: the URL resolved to an address the egress policy refuses; no connection was opened.' }),
    http_status: z.int().nullable(),
    error: z.string().nullable().meta({ description: 'Why the attempt failed, when it did.' }),
    duration_ms: z.int(),
    response_body: z.string().nullable().meta({ description: 'The start of the answer, at most 1 KiB.' }),
    delivery_state: z.enum(['pending', 'delivered', 'failed', 'cancelled']).meta({ description: "The message's state now: pending while retries remain." }),
  })
  .meta({ id: 'WebhookDeliveryAttempt', description: 'One HTTP attempt of one delivery.' });

export const DeliveryAttemptListResponseSchema = z
  .object({ data: z.array(DeliveryAttemptSchema), next_cursor: nextCursor() })
  .meta({ id: 'WebhookDeliveryAttemptList', description: 'Delivery attempts, newest first.' });
export type DeliveryAttemptListResponse = z.infer<typeof DeliveryAttemptListResponseSchema>;

/** Keys of the resource a request may not set. */
export const WEBHOOK_READ_ONLY_KEYS: ReadonlySet<string> = new Set(
  Object.keys(WebhookResponseSchema.shape).filter((key) => !['url', 'event_types', 'enabled', 'description'].includes(key)),
);
