import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/common';
import { isForeignKeyViolation, isUniqueViolation } from './db-errors';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import { TemplateReadRepository } from './template-read.repository';
import { CurrentTemplateSpec, NewTemplate, TemplateRecord, TemplateUpdate } from './template.types';
import { PUBLIC_COLUMNS, TemplateRow, toRecord } from './template-row';

/** The 404 message for a registry credential that does not exist in the org (or no longer does). */
export const REGISTRY_CREDENTIAL_NOT_FOUND = 'Registry credential not found';

interface CurrentRow {
  image: string;
  oci_registry_username: string | null;
  has_token: boolean;
  registry_credential_id: string | null;
  credential_registry: string | null;
}

/**
 * The API's writes: create, update, delete, ask for a validation. Prisma's tagged SQL
 * throughout: writes that must be atomic under concurrency are single statements (CTEs,
 * row locks) that the query builder cannot express, so the database decides races.
 */
@Injectable()
export class TemplateWriteRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly reads: TemplateReadRepository,
  ) {}

  /**
   * Inserts the template and takes one unit of the org's quota in one statement: the counter
   * row's lock serializes racing creates, the unique index decides racing names, and a failure
   * of either undoes both. A registry credential deleted meanwhile (or of another org) is
   * refused by the foreign key: not found.
   */
  async create(template: NewTemplate, quota: number): Promise<TemplateRecord> {
    let rows: TemplateRow[];
    try {
      rows = await this.prisma.$queryRaw<TemplateRow[]>`
        WITH quota AS (
          INSERT INTO org_template_counts AS c (org_id, count) VALUES (${template.orgId}, 1)
          ON CONFLICT (org_id) DO UPDATE SET count = c.count + 1 WHERE c.count < ${quota}
          RETURNING count
        )
        INSERT INTO templates (id, org_id, name, name_key, description, category, image,
                               oci_registry_username, oci_registry_token_ciphertext, registry_credential_id, created_by)
        SELECT ${template.id}::uuid, ${template.orgId}, ${template.name}, ${template.name.toLowerCase()},
               ${template.description}, ${template.category}, ${template.image},
               ${template.ociRegistryUsername}, ${template.ociRegistryTokenCiphertext},
               ${template.registryCredentialId}::uuid, ${template.createdBy}::uuid
        FROM quota
        RETURNING ${PUBLIC_COLUMNS}`;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, `A template named "${template.name}" already exists in this organization`);
      }
      if (isForeignKeyViolation(error)) throw DomainError.notFound(REGISTRY_CREDENTIAL_NOT_FOUND);
      throw error;
    }
    if (rows.length === 0) {
      throw new DomainError(
        ErrorCode.QuotaExceeded,
        `This organization has reached its limit of ${quota} templates; delete one to create another`,
      );
    }
    return toRecord(rows[0]);
  }

  /** Deletes the row (and with it the encrypted token) and gives back its quota unit. */
  async deleteInOrg(orgId: string, id: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ deleted: number }[]>`
      WITH deleted AS (
        DELETE FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} RETURNING org_id
      ), released AS (
        UPDATE org_template_counts c SET count = c.count - 1 FROM deleted d WHERE c.org_id = d.org_id RETURNING 1
      )
      SELECT count(*)::int AS deleted FROM deleted`;
    return rows[0].deleted > 0;
  }

  /**
   * Applies an update planned from the locked current row. When the image or the credentials
   * change, the spec version is bumped and validation starts over (Inactive, pending), so a
   * validation of the old values can never flip the new ones. Returns null when not found and
   * whether a new validation is needed.
   */
  async update(
    orgId: string,
    id: string,
    plan: (current: CurrentTemplateSpec) => TemplateUpdate,
  ): Promise<{ template: TemplateRecord; revalidate: boolean } | null> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const current = await tx.$queryRaw<CurrentRow[]>`
          SELECT image, oci_registry_username, (oci_registry_token_ciphertext IS NOT NULL) AS has_token, registry_credential_id,
                 (SELECT c.registry FROM registry_credentials c WHERE c.id = templates.registry_credential_id) AS credential_registry
          FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} FOR UPDATE`;
        if (current.length === 0) return null;
        const row = current[0];
        const change = plan({
          image: row.image,
          ociRegistryUsername: row.oci_registry_username,
          hasRegistryToken: row.has_token,
          registryCredential:
            row.registry_credential_id && row.credential_registry ? { id: row.registry_credential_id, registry: row.credential_registry } : null,
        });
        const imageChanged = change.image !== undefined && change.image !== current[0].image;
        const revalidate = imageChanged || change.credentials !== undefined;
        const rows = await tx.$queryRaw<TemplateRow[]>`
          UPDATE templates SET ${Prisma.join(updateSets(change, imageChanged, revalidate), ', ')}
          WHERE id = ${id}::uuid RETURNING ${PUBLIC_COLUMNS}`;
        return { template: toRecord(rows[0]), revalidate };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, 'A template with that name already exists in this organization');
      }
      if (isForeignKeyViolation(error)) throw DomainError.notFound(REGISTRY_CREDENTIAL_NOT_FOUND);
      throw error;
    }
  }

  /**
   * Asks for a fresh validation of the same spec. A template whose validation is already
   * pending or running is left as it is (no second job). The status does not change until
   * the validation ends. Returns null when not found.
   */
  async requestValidation(orgId: string, id: string): Promise<{ template: TemplateRecord; queued: boolean } | null> {
    const updated = await this.prisma.$queryRaw<TemplateRow[]>`
      UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
      WHERE id = ${id}::uuid AND org_id = ${orgId} AND validation_state IN ('passed', 'failed')
      RETURNING ${PUBLIC_COLUMNS}`;
    if (updated.length) return { template: toRecord(updated[0]), queued: true };
    const template = await this.reads.findInOrg(orgId, id);
    return template ? { template, queued: false } : null;
  }

  /** The encrypted token of a template (for comparing an idempotent retry's token), or null. */
  async findTokenCiphertext(orgId: string, id: string): Promise<Uint8Array | null> {
    const rows = await this.prisma.$queryRaw<{ ciphertext: Uint8Array | null }[]>`
      SELECT oci_registry_token_ciphertext AS ciphertext FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId}`;
    return rows[0]?.ciphertext ?? null;
  }
}

/** The SET list of an update: the changed columns, and a fresh validation when the spec changed. */
function updateSets(change: TemplateUpdate, imageChanged: boolean, revalidate: boolean): Prisma.Sql[] {
  const sets: Prisma.Sql[] = [Prisma.sql`updated_at = now()`];
  if (change.name !== undefined) sets.push(Prisma.sql`name = ${change.name}, name_key = ${change.name.toLowerCase()}`);
  if (change.description !== undefined) sets.push(Prisma.sql`description = ${change.description}`);
  if (change.category !== undefined) sets.push(Prisma.sql`category = ${change.category}`);
  if (imageChanged) sets.push(Prisma.sql`image = ${change.image}`);
  const credentials = change.credentials;
  if (credentials === null) {
    sets.push(Prisma.sql`oci_registry_username = NULL, oci_registry_token_ciphertext = NULL, registry_credential_id = NULL`);
  } else if (credentials?.kind === 'inline') {
    sets.push(Prisma.sql`oci_registry_username = ${credentials.username}, registry_credential_id = NULL`);
    if (credentials.ciphertext) sets.push(Prisma.sql`oci_registry_token_ciphertext = ${credentials.ciphertext}`);
  } else if (credentials?.kind === 'registry_credential') {
    // Swapping to a registry credential drops the inline ciphertext for good.
    sets.push(Prisma.sql`
      registry_credential_id = ${credentials.registryCredentialId}::uuid, oci_registry_username = NULL, oci_registry_token_ciphertext = NULL`);
  }
  if (revalidate) {
    sets.push(Prisma.sql`
      spec_version = spec_version + 1, status = 'Inactive', apps = '[]', validation_state = 'pending',
      validation_error = NULL, validation_report = NULL, validation_checked_at = NULL,
      validation_attempts = 0, validation_queued_at = now()`);
  }
  return sets;
}
