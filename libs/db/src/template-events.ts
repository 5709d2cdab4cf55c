import { Prisma } from './generated/prisma/client';
import { EventData, TemplateEventFields } from './events/event-types';
import { NewEvent } from './events/event.types';
import { NewTemplate, TemplateUpdate } from './template.types';
import { changedFields } from './events/event-change';

/** What the events of a template say about it: its non-secret fields (the token only as "has one"). */

/** The stored fields an update compares (read under the row lock). */
export interface TemplateFieldsRow {
  name: string;
  description: string;
  category: string;
  image: string;
  oci_registry_username: string | null;
  has_token: boolean;
  registry_credential_id: string | null;
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
      registry_credential_id: template.registryCredentialId,
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
    ...credentialFieldsAfter(before, change.credentials),
  };
  const tokenReplaced = change.credentials?.kind === 'inline' && Boolean(change.credentials.ciphertext);
  const data: EventData<'template.updated'> = { ...changedFields(before, after), registry_token_replaced: tokenReplaced };
  if (Object.keys(data.after).length === 0 && !data.registry_token_replaced) return null;
  return { type: 'template.updated', subjectId: id, data };
}

/** What the credential fields become: unchanged, removed, inline (a new token or the stored one), or a registry credential. */
function credentialFieldsAfter(
  before: TemplateEventFields,
  credentials: TemplateUpdate['credentials'],
): Pick<TemplateEventFields, 'oci_registry_username' | 'has_registry_token' | 'registry_credential_id'> {
  if (credentials === undefined) {
    const { oci_registry_username, has_registry_token, registry_credential_id } = before;
    return { oci_registry_username, has_registry_token, registry_credential_id };
  }
  if (credentials === null) return { oci_registry_username: null, has_registry_token: false, registry_credential_id: null };
  if (credentials.kind === 'registry_credential') {
    return { oci_registry_username: null, has_registry_token: false, registry_credential_id: credentials.registryCredentialId };
  }
  return {
    oci_registry_username: credentials.username,
    has_registry_token: Boolean(credentials.ciphertext) || before.has_registry_token,
    registry_credential_id: null,
  };
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
    registry_credential_id: row.registry_credential_id,
  };
}
