import { Injectable } from '@nestjs/common';
import { appendEventsInTransaction } from './events/event-append';
import { EventData, ImagePolicyEventFields } from './events/event-types';
import { EventOrigin, NewEvent } from './events/event.types';
import { PrismaService } from './prisma.service';
import { EventCommits } from './events/event-commits';
import { changedFields } from './events/event-change';

/** One key an organization trusts to sign its images: stored as the SPKI PEM the API normalised it to. */
export interface TrustedKeyRecord {
  name: string;
  publicKey: string;
}

/** An organization's image policy. An org that never set one has the default (nothing required, no keys). */
export interface ImagePolicyRecord {
  requireSignature: boolean;
  trustedKeys: TrustedKeyRecord[];
  /** When it was last set; null for the default of an org that never set one. */
  updatedAt: Date | null;
}

export interface ImagePolicyChange {
  policy: ImagePolicyRecord;
  /** Templates of the org put back to pending by this change (empty when the policy did not change). */
  revalidate: string[];
}

const DEFAULT_POLICY: ImagePolicyRecord = { requireSignature: false, trustedKeys: [], updatedAt: null };

interface PolicyRow {
  require_signature: boolean;
  trusted_keys: { name: string; public_key: string }[];
  updated_at: Date;
}

/**
 * Org image policies. Read on every validation of a template whose org has one (the worker's
 * one extra read: by primary key, on the pg pool, like the API's hot reads); replaced by the
 * API together with putting the org's templates back to pending, in one transaction, so a
 * policy is never stored without the validations it asks for (and a repeated PUT of the same
 * policy asks for none). A change appends `image_policy.updated` in that transaction.
 */
@Injectable()
export class ImagePolicyRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly eventCommits: EventCommits,
  ) {}

  async findForOrg(orgId: string): Promise<ImagePolicyRecord> {
    const { rows } = await this.prisma.pool.query<PolicyRow>(
      this.prisma.statement('image_policy_get', 'SELECT require_signature, trusted_keys, updated_at FROM org_image_policies WHERE org_id = $1', [orgId]),
    );
    return rows.length ? toRecord(rows[0]) : DEFAULT_POLICY;
  }

  /**
   * Stores the policy. When it differs from the stored one, every template of the org is put
   * back to pending in the same transaction (its status stays until its validation ends; one
   * running under the old policy finds its row pending and is redone). The caller enqueues the
   * returned ids; the outbox sweep covers any it could not.
   */
  async replace(orgId: string, policy: Omit<ImagePolicyRecord, 'updatedAt'>, origin: EventOrigin): Promise<ImagePolicyChange> {
    const keys = policy.trustedKeys.map((key) => ({ name: key.name, public_key: key.publicKey }));
    const change = await this.prisma.$transaction(async (tx) => {
      // The row lock orders concurrent PUTs of one org; the first PUT creates the row.
      await tx.$executeRaw`INSERT INTO org_image_policies (org_id) VALUES (${orgId}) ON CONFLICT (org_id) DO NOTHING`;
      const [current] = await tx.$queryRaw<PolicyRow[]>`
        SELECT require_signature, trusted_keys, updated_at FROM org_image_policies WHERE org_id = ${orgId} FOR UPDATE`;
      if (sameRules(toRecord(current), policy)) {
        return { policy: toRecord(current), revalidate: [], changed: false };
      }
      const [stored] = await tx.$queryRaw<PolicyRow[]>`
        UPDATE org_image_policies
        SET require_signature = ${policy.requireSignature}, trusted_keys = ${JSON.stringify(keys)}::jsonb, updated_at = now()
        WHERE org_id = ${orgId}
        RETURNING require_signature, trusted_keys, updated_at`;
      const templates = await tx.$queryRaw<{ id: string }[]>`
        UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
        WHERE org_id = ${orgId}
        RETURNING id`;
      const event = policyUpdated(orgId, current, { require_signature: policy.requireSignature, trusted_keys: keys }, templates.length);
      await appendEventsInTransaction(tx, orgId, [event], origin);
      return { policy: toRecord(stored), revalidate: templates.map((row) => row.id), changed: true };
    });
    if (change.changed) this.eventCommits.committed(orgId, ['image_policy.updated']);
    return { policy: change.policy, revalidate: change.revalidate };
  }
}

/** The rules that changed, before and after. */
function policyUpdated(orgId: string, current: PolicyRow, after: ImagePolicyEventFields, templatesQueued: number): NewEvent {
  const before: ImagePolicyEventFields = { require_signature: current.require_signature, trusted_keys: current.trusted_keys };
  const data: EventData<'image_policy.updated'> = { ...changedFields(before, after), templates_queued: templatesQueued };
  return { type: 'image_policy.updated', subjectId: orgId, data };
}

/** Same flag, same keys under the same names in the same order. */
function sameRules(a: Omit<ImagePolicyRecord, 'updatedAt'>, b: Omit<ImagePolicyRecord, 'updatedAt'>): boolean {
  return (
    a.requireSignature === b.requireSignature &&
    a.trustedKeys.length === b.trustedKeys.length &&
    a.trustedKeys.every((key, i) => key.name === b.trustedKeys[i].name && key.publicKey === b.trustedKeys[i].publicKey)
  );
}

function toRecord(row: PolicyRow): ImagePolicyRecord {
  return {
    requireSignature: row.require_signature,
    trustedKeys: row.trusted_keys.map((key) => ({ name: key.name, publicKey: key.public_key })),
    updatedAt: row.updated_at,
  };
}
