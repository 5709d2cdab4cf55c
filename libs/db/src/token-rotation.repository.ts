import { Injectable } from '@nestjs/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

/** A stored secret (registry token or webhook signing secret) as key rotation sees it. */
export interface StoredTokenCiphertext {
  id: string;
  orgId: string;
  ciphertext: Uint8Array;
}

/** A registry credential's stored secret as key rotation sees it. */
export interface StoredCredentialCiphertext extends StoredTokenCiphertext {
  kind: 'basic' | 'aws_ecr';
}

/**
 * Key rotation (`npm run keys:rotate`): pages through the stored secrets (registry tokens,
 * registry credentials' secrets, webhook signing secrets) and swaps each one for its
 * re-encryption. Prisma's tagged SQL, for the compare-and-swap on the ciphertext.
 */
@Injectable()
export class TokenRotationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Templates with a stored token, in id order after `afterId` (keyset pages, resumable). */
  async listTokenCiphertexts(afterId: string | null, limit: number): Promise<StoredTokenCiphertext[]> {
    const after = afterId ? Prisma.sql`AND id > ${afterId}::uuid` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ id: string; org_id: string; ciphertext: Uint8Array }[]>`
      SELECT id, org_id, oci_registry_token_ciphertext AS ciphertext FROM templates
      WHERE oci_registry_token_ciphertext IS NOT NULL ${after}
      ORDER BY id
      LIMIT ${limit}`;
    return rows.map((row) => ({ id: row.id, orgId: row.org_id, ciphertext: row.ciphertext }));
  }

  /** Compare-and-swap: replaced only if nobody changed the token meanwhile. */
  async replaceTokenCiphertext(id: string, previous: Uint8Array, next: Buffer): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE templates SET oci_registry_token_ciphertext = ${next}
      WHERE id = ${id}::uuid AND oci_registry_token_ciphertext = ${Buffer.from(previous)}`;
    return count === 1;
  }

  /** Registry credentials in id order after `afterId` (every credential has a secret). */
  async listCredentialCiphertexts(afterId: string | null, limit: number): Promise<StoredCredentialCiphertext[]> {
    const after = afterId ? Prisma.sql`WHERE id > ${afterId}::uuid` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ id: string; org_id: string; kind: 'basic' | 'aws_ecr'; ciphertext: Uint8Array }[]>`
      SELECT id, org_id, kind, secret_ciphertext AS ciphertext FROM registry_credentials ${after}
      ORDER BY id
      LIMIT ${limit}`;
    return rows.map((row) => ({ id: row.id, orgId: row.org_id, kind: row.kind, ciphertext: row.ciphertext }));
  }

  /**
   * Compare-and-swap, as for tokens. The secret itself is unchanged, so its version (and with
   * it the worker's cache of what was minted from it) stays.
   */
  async replaceCredentialCiphertext(id: string, previous: Uint8Array, next: Buffer): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE registry_credentials SET secret_ciphertext = ${next}
      WHERE id = ${id}::uuid AND secret_ciphertext = ${Buffer.from(previous)}`;
    return count === 1;
  }

  /** Webhooks (their encrypted signing secrets), in id order after `afterId`. */
  async listWebhookSecretCiphertexts(afterId: string | null, limit: number): Promise<StoredTokenCiphertext[]> {
    const after = afterId ? Prisma.sql`WHERE id > ${afterId}::uuid` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ id: string; org_id: string; ciphertext: Uint8Array }[]>`
      SELECT id, org_id, secret_ciphertext AS ciphertext FROM webhooks ${after} ORDER BY id LIMIT ${limit}`;
    return rows.map((row) => ({ id: row.id, orgId: row.org_id, ciphertext: row.ciphertext }));
  }

  /** Compare-and-swap of a webhook's encrypted secret (a rotate-secret meanwhile wins). */
  async replaceWebhookSecretCiphertext(id: string, previous: Uint8Array, next: Buffer): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE webhooks SET secret_ciphertext = ${next} WHERE id = ${id}::uuid AND secret_ciphertext = ${Buffer.from(previous)}`;
    return count === 1;
  }
}
