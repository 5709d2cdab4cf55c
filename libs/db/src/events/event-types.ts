import { z } from 'zod';
import { ValidationErrorInfoSchema } from '../template.types';

/**
 * The event-type registry: every type the event log can hold, with what it is about (its
 * subject kind), a description (the document and the README quote it) and the zod schema of
 * its `data`. Adding a type is one entry here; the stored row, the audit API, the stream, the
 * webhook filters and /openapi.json follow from it. `data` schemas are strict objects: a field
 * that is not listed (a token, a secret, a ciphertext) is refused when the event is written.
 */

export interface EventTypeDefinition {
  /** What the event is about (`subject: {kind, id}`); also the first part of the type's name. */
  subject: string;
  description: string;
  data: z.ZodObject;
  /** Delivered only to the webhook the event is about, whatever it subscribes to (`webhook.test`). */
  onlyToSubjectWebhook?: boolean;
}

/** The template's non-secret fields, as events report them (the token only as "has one"). */
const TemplateFields = z.strictObject({
  name: z.string(),
  description: z.string(),
  category: z.string(),
  image: z.string(),
  oci_registry_username: z.string().nullable(),
  has_registry_token: z.boolean(),
  registry_credential_id: z.string().nullable(),
});
export type TemplateEventFields = z.infer<typeof TemplateFields>;

const WebhookFields = z.strictObject({
  url: z.string(),
  event_types: z.array(z.string()),
  enabled: z.boolean(),
  description: z.string(),
});
export type WebhookEventFields = z.infer<typeof WebhookFields>;

/** A registry credential's non-secret fields (the secret only ever as "replaced"). */
const RegistryCredentialFields = z.strictObject({
  name: z.string(),
  registry: z.string(),
  kind: z.enum(['basic', 'aws_ecr']),
  username: z.string().nullable(),
  aws_access_key_id: z.string().nullable(),
  aws_region: z.string().nullable(),
  aws_role_arn: z.string().nullable(),
  aws_external_id: z.string().nullable(),
});
export type RegistryCredentialEventFields = z.infer<typeof RegistryCredentialFields>;

/** An image policy's rules as events report them (public keys: nothing secret). */
const ImagePolicyFields = z.strictObject({
  require_signature: z.boolean(),
  trusted_keys: z.array(z.strictObject({ name: z.string(), public_key: z.string() })),
});
export type ImagePolicyEventFields = z.infer<typeof ImagePolicyFields>;

const TemplateStatus = z.enum(['Inactive', 'Active']);

const change = <T extends z.ZodObject>(fields: T) =>
  z.strictObject({
    before: fields.partial().meta({ description: 'The changed fields as they were.' }),
    after: fields.partial().meta({ description: 'The changed fields as they are now.' }),
  });

export const EVENT_TYPES = {
  'template.created': {
    subject: 'template',
    description: 'A template was created (Inactive, validation pending).',
    data: TemplateFields,
  },
  'template.updated': {
    subject: 'template',
    description: 'Fields of a template changed; `before` and `after` hold the changed ones. A new registry token shows as `registry_token_replaced`.',
    data: change(TemplateFields).extend({ registry_token_replaced: z.boolean() }),
  },
  'template.deleted': {
    subject: 'template',
    description: 'A template was deleted, with its encrypted token.',
    data: z.strictObject({ name: z.string(), image: z.string(), category: z.string() }),
  },
  'template.validation.requested': {
    subject: 'template',
    description: 'A caller asked for a fresh validation (POST …/validate).',
    data: z.strictObject({ image: z.string() }),
  },
  'template.validation.started': {
    subject: 'template',
    description: 'The worker began checking the image (one event per attempt).',
    data: z.strictObject({ image: z.string(), attempt: z.int() }),
  },
  'template.validation.passed': {
    subject: 'template',
    description: 'The image passed; the template is Active.',
    data: z.strictObject({ image: z.string(), resolved_digest: z.string(), status: TemplateStatus }),
  },
  'template.validation.failed': {
    subject: 'template',
    description: 'The validation failed with `error` (its code and whether it was transient); `status` is the template status after it.',
    data: z.strictObject({ image: z.string(), error: ValidationErrorInfoSchema, status: TemplateStatus }),
  },
  'template.digest_changed': {
    subject: 'template',
    description: 'A re-validation found the tag pointing at another digest.',
    data: z.strictObject({ image: z.string(), old_digest: z.string(), new_digest: z.string() }),
  },
  'registry_credential.created': {
    subject: 'registry_credential',
    description: 'A registry credential was created (its secret is never in an event).',
    data: RegistryCredentialFields,
  },
  'registry_credential.updated': {
    subject: 'registry_credential',
    description:
      'A registry credential changed; `before` and `after` hold the changed fields, `secret_replaced` says whether a new secret was given, `templates_queued` how many templates were sent back to validation by the rotation.',
    data: change(RegistryCredentialFields).extend({ secret_replaced: z.boolean(), templates_queued: z.int() }),
  },
  'registry_credential.deleted': {
    subject: 'registry_credential',
    description: 'A registry credential was deleted, with its encrypted secret.',
    data: z.strictObject({ name: z.string(), registry: z.string() }),
  },
  'image_policy.updated': {
    subject: 'image_policy',
    description:
      "The organization's image policy changed (the subject id is the org id); `before` and `after` hold the changed rules, `templates_queued` how many templates were sent back to validation.",
    data: change(ImagePolicyFields).extend({ templates_queued: z.int() }),
  },
  'webhook.created': { subject: 'webhook', description: 'A webhook was created.', data: WebhookFields },
  'webhook.updated': { subject: 'webhook', description: 'A webhook changed; `before` and `after` hold the changed fields.', data: change(WebhookFields) },
  'webhook.deleted': { subject: 'webhook', description: 'A webhook was deleted.', data: z.strictObject({ url: z.string() }) },
  'webhook.secret_rotated': {
    subject: 'webhook',
    description: 'The signing secret of a webhook was replaced (the new one is never in an event).',
    data: z.strictObject({}),
  },
  'webhook.disabled': {
    subject: 'webhook',
    description: 'The service disabled a webhook: its endpoint answered 410 Gone (`gone`), or every delivery failed for WEBHOOK_DISABLE_AFTER (`failing`).',
    data: z.strictObject({ url: z.string(), reason: z.enum(['gone', 'failing']) }),
  },
  'webhook.test': {
    subject: 'webhook',
    description: 'Sent by POST …/webhooks/{id}/test to that webhook only, whatever it subscribes to.',
    data: z.strictObject({}),
    onlyToSubjectWebhook: true,
  },
} as const satisfies Record<string, EventTypeDefinition>;

export type EventType = keyof typeof EVENT_TYPES;
/** The kinds of subject events are about, from the registry. */
export type SubjectKind = (typeof EVENT_TYPES)[EventType]['subject'];
export type EventData<T extends EventType> = z.infer<(typeof EVENT_TYPES)[T]['data']>;

export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];
export const EventTypeSchema = z.enum(EVENT_TYPE_NAMES as [EventType, ...EventType[]]);

/**
 * The patterns webhooks subscribe with and the audit API filters by: an event type, or a
 * prefix of types ending in a dot (`template.`, `template.validation.`).
 */
export function isEventTypePattern(pattern: string): boolean {
  if (pattern in EVENT_TYPES) return true;
  return pattern.endsWith('.') && EVENT_TYPE_NAMES.some((type) => type.startsWith(pattern));
}

export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => (pattern.endsWith('.') ? type.startsWith(pattern) : type === pattern));
}

/** The dotted prefixes that exist (for messages and the document). */
export function eventTypePrefixes(): string[] {
  const prefixes = new Set<string>();
  for (const type of EVENT_TYPE_NAMES) {
    const parts = type.split('.');
    for (let i = 1; i < parts.length; i++) prefixes.add(`${parts.slice(0, i).join('.')}.`);
  }
  return [...prefixes];
}
