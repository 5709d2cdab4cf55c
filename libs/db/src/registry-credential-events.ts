import { Prisma } from './generated/prisma/client';
import { EventData, RegistryCredentialEventFields } from './events/event-types';
import { NewEvent } from './events/event.types';
import { NewRegistryCredential, RegistryCredentialChange } from './registry-credential.types';
import { changedFields } from './events/event-change';

/** What the events of a registry credential say about it: its non-secret fields, never the secret. */

/** The stored fields an update compares (read under the row lock). */
export type RegistryCredentialFieldsRow = RegistryCredentialEventFields;

export function registryCredentialCreated(credential: NewRegistryCredential): NewEvent {
  return {
    type: 'registry_credential.created',
    subjectId: credential.id,
    data: {
      name: credential.name,
      registry: credential.registry,
      kind: credential.kind,
      username: credential.username,
      aws_access_key_id: credential.awsAccessKeyId,
      aws_region: credential.awsRegion,
      aws_role_arn: credential.awsRoleArn,
      aws_external_id: credential.awsExternalId,
    },
  };
}

/** The fields a PATCH changed, before and after, whether the secret was replaced and how many templates it queued; null when it changed nothing. */
export function registryCredentialUpdated(
  id: string,
  current: RegistryCredentialFieldsRow,
  change: RegistryCredentialChange,
  templatesQueued: number,
): NewEvent | null {
  const after: RegistryCredentialFieldsRow = {
    ...current,
    name: change.name ?? current.name,
    username: change.username ?? current.username,
    aws_access_key_id: change.awsAccessKeyId ?? current.aws_access_key_id,
    aws_region: change.awsRegion ?? current.aws_region,
    aws_role_arn: change.awsRoleArn === undefined ? current.aws_role_arn : change.awsRoleArn,
    aws_external_id: change.awsExternalId === undefined ? current.aws_external_id : change.awsExternalId,
  };
  const data: EventData<'registry_credential.updated'> = {
    ...changedFields(current, after),
    secret_replaced: change.secret !== undefined,
    templates_queued: templatesQueued,
  };
  if (Object.keys(data.after).length === 0 && !data.secret_replaced && templatesQueued === 0) return null;
  return { type: 'registry_credential.updated', subjectId: id, data };
}

/** Read from the deleted row (the statement's gate, `g`). */
export function registryCredentialDeleted(id: string): NewEvent {
  return {
    type: 'registry_credential.deleted',
    subjectId: id,
    data: Prisma.sql`jsonb_build_object('name', g.name, 'registry', g.registry)`,
  };
}
