/** Domain types of registry credentials: no Prisma types leave libs/db, and no secret leaves the worker's reads. */
import { z } from 'zod';
import { ValidationErrorCode } from '@app/oci';

export const RegistryCredentialKindSchema = z.enum(['basic', 'aws_ecr']);
export type RegistryCredentialKind = z.infer<typeof RegistryCredentialKindSchema>;

/** What the last validation that used a credential said (the API returns it as stored). */
export const CredentialLastErrorSchema = z
  .object({
    code: z.enum(ValidationErrorCode),
    message: z.string().meta({ description: 'What to fix. Never contains a secret.' }),
  })
  // No component id: it is nullable, and OpenAPI 3.0 cannot make a $ref nullable.
  .meta({ description: 'Why the last validation that used this credential failed; null when it passed or none ran yet.' });
export type CredentialLastError = z.infer<typeof CredentialLastErrorSchema>;

/** What a credential is: its name, registry and kind, and the non-secret fields of that kind. */
export interface RegistryCredentialFields {
  id: string;
  orgId: string;
  name: string;
  registry: string;
  kind: RegistryCredentialKind;
  /** basic only. */
  username: string | null;
  /** aws_ecr only (this and the three below). */
  awsAccessKeyId: string | null;
  awsRegion: string | null;
  awsRoleArn: string | null;
  awsExternalId: string | null;
}

/** A credential as the API reads it: everything but the secret. */
export interface RegistryCredentialRecord extends RegistryCredentialFields {
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastError: CredentialLastError | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Templates that refer to it. */
  templatesCount: number;
}

export interface NewRegistryCredential extends RegistryCredentialFields {
  secretCiphertext: Buffer;
  expiresAt: Date | null;
  createdBy: string | null;
}

/**
 * The columns a PATCH may change (absent: unchanged). A change of anything sent to the
 * registry or to AWS is a rotation: the secret version is bumped and every template that
 * uses the credential is validated again.
 */
export interface RegistryCredentialChange {
  name?: string;
  username?: string;
  awsAccessKeyId?: string;
  awsRegion?: string;
  /** null removes the role (and the external id with it). */
  awsRoleArn?: string | null;
  awsExternalId?: string | null;
  /** A new secret, with the expiry read from it. */
  secret?: { ciphertext: Buffer; expiresAt: Date | null };
}

/** The current row under the update's lock, for the checks that depend on it (no secret). */
export interface CurrentRegistryCredential {
  kind: RegistryCredentialKind;
  registry: string;
  awsRoleArn: string | null;
  awsExternalId: string | null;
}

/** What the worker needs to send a credential: the encrypted secret included. */
export interface RegistryCredentialForUse extends RegistryCredentialFields {
  secretCiphertext: Uint8Array;
  /** Changes whenever what is sent changes: the key of any cache of what was minted from it. */
  secretVersion: number;
}

export interface RegistryCredentialListQuery {
  limit: number;
  /** Keyset position: items strictly after this (createdAt desc, id desc). */
  after?: { createdAt: Date; id: string };
}
