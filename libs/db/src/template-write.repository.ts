import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/common';
import { isForeignKeyViolation, isUniqueViolation } from './db-errors';
import { advanceEventHead, appendEvents, appendEventsAtHead } from './events/event-append';
import { EventOrigin } from './events/event.types';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import { TemplateReadRepository } from './template-read.repository';
import { templateCreated, templateDeleted, TemplateFieldsRow, templateUpdated } from './template-events';
import { CurrentTemplateSpec, NewTemplate, TemplateRecord, TemplateUpdate } from './template.types';
import { PUBLIC_COLUMNS, TemplateRow, toRecord } from './template-row';
import { EventCommits } from './events/event-commits';

/** The 404 message for a registry credential that does not exist in the org (or no longer does). */
export const REGISTRY_CREDENTIAL_NOT_FOUND = 'Registry credential not found';

/** The locked row an update plans from: its fields, and the registry of the credential it uses. */
interface CurrentRow extends TemplateFieldsRow {
  credential_registry: string | null;
}

/**
 * The API's writes: create, update, delete, ask for a validation. Prisma's tagged SQL
 * throughout: writes that must be atomic under concurrency are single statements (CTEs,
 * row locks) that the query builder cannot express, so the database decides races. Each
 * write appends its event (events/event-append.ts) in the same statement.
 */
@Injectable()
export class TemplateWriteRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly reads: TemplateReadRepository,
    private readonly eventCommits: EventCommits,
  ) {}

  /**
   * Inserts the template, takes one unit of the org's quota and appends `template.created`
   * in one statement: the org's `org_event_heads` row holds both its template count and its
   * event head, so one row lock serializes racing creates and numbers the event; the unique
   * index decides racing names, and a failure of either undoes all three. A registry
   * credential deleted meanwhile (or of another org) is refused by the foreign key: not found.
   * Lock order: the credential (key share), then the org's row, as a credential delete does.
   */
  async create(template: NewTemplate, quota: number, origin: EventOrigin): Promise<TemplateRecord> {
    let rows: TemplateRow[];
    try {
      const created = await this.prisma.pool.query<TemplateRow>(
        this.prisma.sqlStatement('template_create', Prisma.sql`
        WITH credential AS (
          SELECT 1 FROM registry_credentials WHERE id = ${template.registryCredentialId}::uuid AND org_id = ${template.orgId} FOR KEY SHARE
        ), quota AS (
          -- The credential's lock comes first (the row selected from takes it): a credential
          -- delete locks it and then the org's row, so taking the org's row first could deadlock.
          INSERT INTO org_event_heads AS h (org_id, template_count, last_seq)
          SELECT ${template.orgId}, 1, 1 FROM (SELECT count(*) FROM credential) AS credential_locked
          ON CONFLICT (org_id) DO UPDATE SET template_count = h.template_count + 1, ${advanceEventHead('h', 1)}
            WHERE h.template_count < ${quota}
          RETURNING h.org_id AS head_org_id, h.last_seq AS head_seq
        ), ${appendEventsAtHead('quota', [templateCreated(template)], origin)}
        INSERT INTO templates (id, org_id, name, name_key, description, category, image,
                               oci_registry_username, oci_registry_token_ciphertext, registry_credential_id, created_by)
        SELECT ${template.id}::uuid, ${template.orgId}, ${template.name}, ${template.name.toLowerCase()},
               ${template.description}, ${template.category}, ${template.image},
               ${template.ociRegistryUsername}, ${template.ociRegistryTokenCiphertext},
               ${template.registryCredentialId}::uuid, ${template.createdBy}::uuid
        FROM quota
        RETURNING ${PUBLIC_COLUMNS}`),
      );
      rows = created.rows;
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
    this.eventCommits.committed(template.orgId, ['template.created']);
    return toRecord(rows[0]);
  }

  /** Deletes the row (and with it the encrypted token), gives back its quota unit and appends `template.deleted`, in one update of the org's row. */
  async deleteInOrg(orgId: string, id: string, origin: EventOrigin): Promise<boolean> {
    const { rows } = await this.prisma.pool.query<{ deleted: number }>(
      this.prisma.sqlStatement('template_delete', Prisma.sql`
      WITH deleted AS (
        DELETE FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} RETURNING org_id, name, image, category
      ), released AS (
        UPDATE org_event_heads h SET template_count = h.template_count - 1, ${advanceEventHead('h', 1)}
        FROM deleted d WHERE h.org_id = d.org_id
        RETURNING d.name, d.image, d.category, h.org_id AS head_org_id, h.last_seq AS head_seq
      ), ${appendEventsAtHead('released', [templateDeleted(id)], origin)}
      SELECT count(*)::int AS deleted FROM deleted`),
    );
    if (rows[0].deleted === 0) return false;
    this.eventCommits.committed(orgId, ['template.deleted']);
    return true;
  }

  /**
   * Applies an update planned from the locked current row. When the image or the credentials
   * change, the spec version is bumped and validation starts over (Inactive, pending), so a
   * validation of the old values can never flip the new ones. `template.updated` (the changed
   * fields, before and after) is appended by the UPDATE statement itself, which reads the
   * org's event head before it writes (the lock order of events/event-append.ts); an update
   * that changes nothing appends nothing. Returns null when not found and whether a new
   * validation is needed.
   */
  async update(
    orgId: string,
    id: string,
    plan: (current: CurrentTemplateSpec) => TemplateUpdate,
    origin: EventOrigin,
  ): Promise<{ template: TemplateRecord; revalidate: boolean } | null> {
    try {
      const result = await this.prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<CurrentRow[]>`
          SELECT name, description, category, image, oci_registry_username, (oci_registry_token_ciphertext IS NOT NULL) AS has_token,
                 registry_credential_id,
                 (SELECT c.registry FROM registry_credentials c WHERE c.id = templates.registry_credential_id) AS credential_registry
          FROM templates WHERE id = ${id}::uuid AND org_id = ${orgId} FOR UPDATE`;
        if (rows.length === 0) return null;
        const current = rows[0];
        const change = plan({
          image: current.image,
          ociRegistryUsername: current.oci_registry_username,
          hasRegistryToken: current.has_token,
          registryCredential:
            current.registry_credential_id && current.credential_registry
              ? { id: current.registry_credential_id, registry: current.credential_registry }
              : null,
        });
        if (change.credentials?.kind === 'registry_credential') {
          // Before the update takes the org's event head: the lock order of a credential delete
          // (credential, then head), so the two cannot deadlock. Gone: the update's foreign key says so.
          await tx.$queryRaw`SELECT 1 FROM registry_credentials WHERE id = ${change.credentials.registryCredentialId}::uuid AND org_id = ${orgId} FOR KEY SHARE`;
        }
        const imageChanged = change.image !== undefined && change.image !== current.image;
        const revalidate = imageChanged || change.credentials !== undefined;
        const sets = Prisma.join(updateSets(change, imageChanged, revalidate), ', ');
        const event = templateUpdated(id, current, { ...change, image: imageChanged ? change.image : undefined });
        const updated = event
          ? await tx.$queryRaw<TemplateRow[]>`
              WITH target AS (SELECT ${orgId}::text AS org_id), ${appendEvents('target', [event], origin)}
              UPDATE templates SET ${sets} FROM event_head WHERE id = ${id}::uuid RETURNING ${PUBLIC_COLUMNS}`
          : await tx.$queryRaw<TemplateRow[]>`UPDATE templates SET ${sets} WHERE id = ${id}::uuid RETURNING ${PUBLIC_COLUMNS}`;
        return { template: toRecord(updated[0]), revalidate, event: event?.type };
      });
      if (result?.event) this.eventCommits.committed(orgId, [result.event]);
      return result && { template: result.template, revalidate: result.revalidate };
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
   * the validation ends. Appends `template.validation.requested` when it queued one. Returns
   * null when not found.
   */
  async requestValidation(orgId: string, id: string, origin: EventOrigin): Promise<{ template: TemplateRecord; queued: boolean } | null> {
    const requested = { type: 'template.validation.requested' as const, subjectId: id, data: Prisma.sql`jsonb_build_object('image', g.image)` };
    const updated = await this.prisma.$queryRaw<TemplateRow[]>`
      WITH changed AS (
        UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
        WHERE id = ${id}::uuid AND org_id = ${orgId} AND validation_state IN ('passed', 'failed')
        RETURNING ${PUBLIC_COLUMNS}
      ), ${appendEvents('changed', [requested], origin)}
      SELECT * FROM changed`;
    if (updated.length) {
      this.eventCommits.committed(orgId, [requested.type]);
      return { template: toRecord(updated[0]), queued: true };
    }
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
      validation_error = NULL, validation_report = NULL, validation_basis = NULL, validation_checked_at = NULL,
      validation_attempts = 0, validation_queued_at = now()`);
  }
  return sets;
}
