import { Prisma } from './generated/prisma/client';
import { EventData, TemplateEventFields } from './events/event-types';
import { NewEvent } from './events/event.types';
import { NewTemplate, TemplateUpdate } from './template.types';

/** What the events of a template say about it: its non-secret fields (the token only as "has one"). */

/** The stored fields an update compares (read under the row lock). */
export interface TemplateFieldsRow {
  name: string;
  description: string;
  category: string;
  image: string;
  oci_registry_username: string | null;
  has_token: boolean;
}

export function templateCreated(template: NewTemplate): NewEvent {
  return {
    type: 'template.created',
    subjectId: template.id,
    data: {
      name: template.name,
      description: template.description,
      category: template.category,
      image: template.image,
      oci_registry_username: template.ociRegistryUsername,
      has_registry_token: template.ociRegistryTokenCiphertext !== null,
    },
  };
}

/** The fields an update changes, before and after; null when it changes nothing. */
export function templateUpdated(id: string, current: TemplateFieldsRow, change: TemplateUpdate): NewEvent | null {
  const before = fieldsOf(current);
  const after: TemplateEventFields = {
    name: change.name ?? before.name,
    description: change.description ?? before.description,
    category: change.category ?? before.category,
    image: change.image ?? before.image,
    oci_registry_username: change.credentials === undefined ? before.oci_registry_username : (change.credentials?.username ?? null),
    has_registry_token:
      change.credentials === undefined ? before.has_registry_token : change.credentials !== null && (Boolean(change.credentials.ciphertext) || before.has_registry_token),
  };
  const data: EventData<'template.updated'> = { before: {}, after: {}, registry_token_replaced: Boolean(change.credentials?.ciphertext) };
  for (const key of Object.keys(after) as (keyof TemplateEventFields)[]) {
    if (after[key] === before[key]) continue;
    (data.before as Record<string, unknown>)[key] = before[key];
    (data.after as Record<string, unknown>)[key] = after[key];
  }
  if (Object.keys(data.after).length === 0 && !data.registry_token_replaced) return null;
  return { type: 'template.updated', subjectId: id, data };
}

/** Read from the deleted row (the statement's gate, `g`). */
export function templateDeleted(id: string): NewEvent {
  return {
    type: 'template.deleted',
    subjectId: id,
    data: Prisma.sql`jsonb_build_object('name', g.name, 'image', g.image, 'category', g.category)`,
  };
}

function fieldsOf(row: TemplateFieldsRow): TemplateEventFields {
  return {
    name: row.name,
    description: row.description,
    category: row.category,
    image: row.image,
    oci_registry_username: row.oci_registry_username,
    has_registry_token: row.has_token,
  };
}
