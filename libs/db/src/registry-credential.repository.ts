import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/common';
import { Prisma } from './generated/prisma/client';
import { isForeignKeyViolation, isUniqueViolation } from './db-errors';
import { appendEvents, appendEventsInTransaction } from './events/event-append';
import { EventOrigin } from './events/event.types';
import { PrismaService } from './prisma.service';
import { RegistryCredentialFieldsRow, registryCredentialCreated, registryCredentialDeleted, registryCredentialUpdated } from './registry-credential-events';
import { CREDENTIAL_COLUMNS, RegistryCredentialRow, toCredentialRecord } from './registry-credential-row';
import { EventCommits } from './events/event-commits';
import {
  CurrentRegistryCredential,
  NewRegistryCredential,
  RegistryCredentialChange,
  RegistryCredentialListQuery,
  RegistryCredentialRecord,
} from './registry-credential.types';

type Transaction = Prisma.TransactionClient;

/** Templates queued for re-validation per statement when a credential is rotated. */
export const ROTATION_BATCH = 500;

export interface RegistryCredentialUpdate {
  credential: RegistryCredentialRecord;
  /** Templates sent back to a pending validation because the credential was rotated, in id order. */
  queuedTemplateIds: string[];
}

/**
 * The API's reads and writes of registry credentials. Each write is one transaction in one
 * method (create, update, delete), so whatever must happen with it commits with it, its event
 * included (`registry_credential.created/updated/deleted`, the lock order of
 * events/event-append.ts); races are decided by the database: the per-org counter row for the
 * quota, the unique index on `(org_id, lower(name))` for names, and the templates' foreign key
 * for deletes.
 */
@Injectable()
export class RegistryCredentialRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly eventCommits: EventCommits,
  ) {}

  /** Inserts the credential, takes one unit of the org's credential quota and appends `registry_credential.created`. */
  async create(credential: NewRegistryCredential, quota: number, origin: EventOrigin): Promise<RegistryCredentialRecord> {
    const created = registryCredentialCreated(credential);
    try {
      const record = await this.prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<RegistryCredentialRow[]>`
          WITH quota AS (
            INSERT INTO org_registry_credential_counts AS c (org_id, count) VALUES (${credential.orgId}, 1)
            ON CONFLICT (org_id) DO UPDATE SET count = c.count + 1 WHERE c.count < ${quota}
            RETURNING org_id
          ), ${appendEvents('quota', [created], origin)}
          INSERT INTO registry_credentials (id, org_id, name, name_key, registry, kind, username, aws_access_key_id,
                                            aws_region, aws_role_arn, aws_external_id, secret_ciphertext, expires_at, created_by)
          SELECT ${credential.id}::uuid, ${credential.orgId}, ${credential.name}, ${credential.name.toLowerCase()},
                 ${credential.registry}, ${credential.kind}::"RegistryCredentialKind", ${credential.username},
                 ${credential.awsAccessKeyId}, ${credential.awsRegion}, ${credential.awsRoleArn}, ${credential.awsExternalId},
                 ${credential.secretCiphertext}, ${credential.expiresAt}::timestamptz, ${credential.createdBy}::uuid
          FROM event_head
          RETURNING ${CREDENTIAL_COLUMNS}`;
        if (rows.length === 0) {
          throw new DomainError(
            ErrorCode.QuotaExceeded,
            `This organization has reached its limit of ${quota} registry credentials; delete one to create another`,
          );
        }
        return toCredentialRecord(rows[0]);
      });
      this.eventCommits.committed(credential.orgId, [created.type]);
      return record;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, `A registry credential named "${credential.name}" already exists in this organization`);
      }
      throw error;
    }
  }

  async findInOrg(orgId: string, id: string): Promise<RegistryCredentialRecord | null> {
    const rows = await this.prisma.$queryRaw<RegistryCredentialRow[]>`
      SELECT ${CREDENTIAL_COLUMNS} FROM registry_credentials WHERE id = ${id}::uuid AND org_id = ${orgId}`;
    return rows.length ? toCredentialRecord(rows[0]) : null;
  }

  /** Newest first, ties broken by id (keyset pagination, as for templates). */
  async listInOrg(orgId: string, query: RegistryCredentialListQuery): Promise<RegistryCredentialRecord[]> {
    const after = query.after
      ? Prisma.sql`AND (created_at, id) < (${query.after.createdAt}::timestamptz, ${query.after.id}::uuid)`
      : Prisma.empty;
    const rows = await this.prisma.$queryRaw<RegistryCredentialRow[]>`
      SELECT ${CREDENTIAL_COLUMNS} FROM registry_credentials WHERE org_id = ${orgId} ${after}
      ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`;
    return rows.map(toCredentialRecord);
  }

  /**
   * Applies a change planned from the locked current row. A rotation (anything sent to the
   * registry or AWS changed) bumps the secret version and, in the same transaction, sends every
   * template that uses the credential back to a pending validation, in batches of
   * ROTATION_BATCH by id, each template once. The templates' status is left as it is: the
   * validation decides, and a template that failed for its credentials turns Active again when
   * the new secret works. `registry_credential.updated` (the changed fields, before and after)
   * is appended last, in the same transaction. Returns null when not found.
   */
  async update(
    orgId: string,
    id: string,
    plan: (current: CurrentRegistryCredential) => RegistryCredentialChange,
    origin: EventOrigin,
  ): Promise<RegistryCredentialUpdate | null> {
    try {
      const result = await this.prisma.$transaction(async (tx) => {
        const current = await tx.$queryRaw<RegistryCredentialFieldsRow[]>`
          SELECT name, registry, kind, username, aws_access_key_id, aws_region, aws_role_arn, aws_external_id FROM registry_credentials
          WHERE id = ${id}::uuid AND org_id = ${orgId} FOR UPDATE`;
        if (current.length === 0) return null;
        const { kind, registry, aws_role_arn: awsRoleArn, aws_external_id: awsExternalId } = current[0];
        const change = plan({ kind, registry, awsRoleArn, awsExternalId });
        const { sets, rotated } = credentialSets(change);
        const rows = await tx.$queryRaw<RegistryCredentialRow[]>`
          UPDATE registry_credentials SET ${Prisma.join(sets, ', ')} WHERE id = ${id}::uuid RETURNING ${CREDENTIAL_COLUMNS}`;
        const queuedTemplateIds = rotated ? await queueTemplatesOf(tx, id) : [];
        const event = registryCredentialUpdated(id, current[0], change, queuedTemplateIds.length);
        if (event) await appendEventsInTransaction(tx, orgId, [event], origin);
        return { credential: toCredentialRecord(rows[0]), queuedTemplateIds, event: event?.type };
      });
      if (result?.event) this.eventCommits.committed(orgId, [result.event]);
      return result && { credential: result.credential, queuedTemplateIds: result.queuedTemplateIds };
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(ErrorCode.Conflict, 'A registry credential with that name already exists in this organization');
      throw error;
    }
  }

  /**
   * Deletes the credential (and its encrypted secret) and gives back its quota unit. Refused
   * with credential_in_use while templates use it; a template created with it at the same
   * moment is decided by the templates' foreign key, never left pointing at nothing.
   * Appends `registry_credential.deleted`. Returns false when not found.
   */
  async deleteInOrg(orgId: string, id: string, origin: EventOrigin): Promise<boolean> {
    const deletedEvent = registryCredentialDeleted(id);
    try {
      const deleted = await this.prisma.$transaction(async (tx) => {
        const users = await countTemplatesOf(tx, id);
        if (users > 0) throw inUse(users);
        const rows = await tx.$queryRaw<{ deleted: number }[]>`
          WITH deleted AS (
            DELETE FROM registry_credentials WHERE id = ${id}::uuid AND org_id = ${orgId} RETURNING org_id, name, registry
          ), released AS (
            UPDATE org_registry_credential_counts c SET count = c.count - 1 FROM deleted d WHERE c.org_id = d.org_id
            RETURNING d.org_id, d.name, d.registry
          ), ${appendEvents('released', [deletedEvent], origin)}
          SELECT count(*)::int AS deleted FROM deleted`;
        return rows[0].deleted > 0;
      });
      if (deleted) this.eventCommits.committed(orgId, [deletedEvent.type]);
      return deleted;
    } catch (error) {
      if (isForeignKeyViolation(error)) throw inUse(await countTemplatesOf(this.prisma, id));
      throw error;
    }
  }
}

function inUse(templates: number): DomainError {
  const which = templates === 1 ? '1 template uses it' : `${templates} templates use it`;
  return new DomainError(
    ErrorCode.CredentialInUse,
    `This registry credential cannot be deleted: ${which}; switch them to another credential or delete them first`,
  );
}

async function countTemplatesOf(db: Transaction | PrismaService, credentialId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM templates WHERE registry_credential_id = ${credentialId}::uuid`;
  return rows[0].n;
}

/**
 * Sends the credential's templates back to pending (a new spec version, so a validation still
 * running with the old secret cannot record its outcome), ROTATION_BATCH at a time in id order.
 */
async function queueTemplatesOf(tx: Transaction, credentialId: string): Promise<string[]> {
  const queued: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE templates SET spec_version = spec_version + 1, validation_state = 'pending',
                           validation_attempts = 0, validation_queued_at = now()
      WHERE id IN (
        SELECT id FROM templates WHERE registry_credential_id = ${credentialId}::uuid AND id > ${after}::uuid
        ORDER BY id LIMIT ${ROTATION_BATCH}
      )
      RETURNING id`;
    const ids = rows.map((row) => row.id).sort();
    queued.push(...ids);
    if (ids.length < ROTATION_BATCH) return queued;
    after = ids[ids.length - 1];
  }
}

/** The SET list of a credential update, and whether it is a rotation. */
function credentialSets(change: RegistryCredentialChange): { sets: Prisma.Sql[]; rotated: boolean } {
  const sets: Prisma.Sql[] = [Prisma.sql`updated_at = now()`];
  if (change.name !== undefined) sets.push(Prisma.sql`name = ${change.name}, name_key = ${change.name.toLowerCase()}`);
  if (change.username !== undefined) sets.push(Prisma.sql`username = ${change.username}`);
  if (change.awsAccessKeyId !== undefined) sets.push(Prisma.sql`aws_access_key_id = ${change.awsAccessKeyId}`);
  if (change.awsRegion !== undefined) sets.push(Prisma.sql`aws_region = ${change.awsRegion}`);
  if (change.awsRoleArn !== undefined) sets.push(Prisma.sql`aws_role_arn = ${change.awsRoleArn}`);
  if (change.awsExternalId !== undefined) sets.push(Prisma.sql`aws_external_id = ${change.awsExternalId}`);
  if (change.secret) {
    sets.push(Prisma.sql`secret_ciphertext = ${change.secret.ciphertext}, expires_at = ${change.secret.expiresAt}::timestamptz`);
  }
  const rotated = [change.username, change.awsAccessKeyId, change.awsRegion, change.awsRoleArn, change.awsExternalId, change.secret].some(
    (value) => value !== undefined,
  );
  if (rotated) sets.push(Prisma.sql`secret_version = secret_version + 1`);
  return { sets, rotated };
}
