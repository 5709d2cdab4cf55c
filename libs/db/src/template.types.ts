/** Domain types the repositories return: no Prisma types leave libs/db, no secret columns either. */
import { z } from 'zod';
import { AppSpec, ImageValidationReportSchema, ValidationErrorCode } from '@app/oci';

export type { AppSpec } from '@app/oci';

/**
 * The shapes stored on a template row that the API returns as they are. Each is one zod
 * schema: the stored type and the API document's schema both come from it.
 */
export const TemplateStatusSchema = z.enum(['Inactive', 'Active']);
export type TemplateStatus = z.infer<typeof TemplateStatusSchema>;

export const ValidationStateSchema = z.enum(['pending', 'running', 'passed', 'failed']);
export type ValidationState = z.infer<typeof ValidationStateSchema>;

export const ValidationErrorInfoSchema = z
  .object({
    code: z.enum(ValidationErrorCode),
    message: z.string().meta({ description: 'What to fix. Never contains a token or secret.' }),
    retryable: z.boolean().meta({ description: 'True when the failure was transient (retried, then given up).' }),
  })
  .meta({ description: 'Why the last validation failed (null when it passed or has not finished).' });
export type ValidationErrorInfo = z.infer<typeof ValidationErrorInfoSchema>;

/** The registry facts found by the last passed validation, plus the digest history the worker keeps. */
export const StoredValidationReportSchema = ImageValidationReportSchema.extend({
  previous_digest: z.string().optional().meta({ description: 'The digest the tag pointed at before it moved (drift).' }),
  digest_changed_at: z.string().optional().meta({ format: 'date-time', description: 'When the move was noticed.' }),
  // No component id: OpenAPI 3.0 cannot make a $ref nullable, so the (nullable) report is inlined.
}).meta({ description: 'What the registry said about the image at the last successful check.' });
export type StoredValidationReport = z.infer<typeof StoredValidationReportSchema>;

export interface TemplateRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  category: string;
  image: string;
  /** The org's registry credential the template uses, or null (inline credentials, or none). */
  registryCredentialId: string | null;
  /** The inline username, or the registry credential's (`AWS` for aws_ecr). */
  ociRegistryUsername: string | null;
  /** An inline token is stored. */
  hasRegistryToken: boolean;
  status: TemplateStatus;
  apps: AppSpec[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  specVersion: number;
  validation: {
    state: ValidationState;
    error: ValidationErrorInfo | null;
    report: StoredValidationReport | null;
    checkedAt: Date | null;
    attempts: number;
  };
}

export interface NewTemplate {
  id: string;
  orgId: string;
  name: string;
  description: string;
  category: string;
  image: string;
  ociRegistryUsername: string | null;
  ociRegistryTokenCiphertext: Buffer | null;
  /** Instead of the inline ones (never both). */
  registryCredentialId: string | null;
  createdBy: string | null;
}

export interface ListQuery {
  limit: number;
  /** Keyset position: items strictly after this (createdAt desc, id desc). */
  after?: { createdAt: Date; id: string };
  status?: TemplateStatus;
  category?: string;
  namePrefix?: string;
}

/** What the worker needs to validate one template, including the encrypted token. */
export interface TemplateForValidation {
  id: string;
  orgId: string;
  image: string;
  ociRegistryUsername: string | null;
  ociRegistryTokenCiphertext: Uint8Array | null;
  registryCredentialId: string | null;
  specVersion: number;
  status: TemplateStatus;
  validationState: ValidationState;
  validationReport: StoredValidationReport | null;
  /** Stored with the report by the worker (`ValidationBasis` of libs/oci, of whatever version wrote it); null before. */
  validationBasis: unknown;
}

/** How a template authenticates after an update: inline credentials (a null ciphertext keeps the stored token), or a registry credential. */
export type TemplateCredentialsUpdate =
  | { kind: 'inline'; username: string; ciphertext: Buffer | null }
  | { kind: 'registry_credential'; registryCredentialId: string };

/** The columns an update may change. `credentials: null` removes them (inline and referenced alike). */
export interface TemplateUpdate {
  name?: string;
  description?: string;
  category?: string;
  image?: string;
  credentials?: TemplateCredentialsUpdate | null;
}

/** What the update plan sees of the current row (no secret material). */
export interface CurrentTemplateSpec {
  image: string;
  /** The inline username (null when there is none). */
  ociRegistryUsername: string | null;
  hasRegistryToken: boolean;
  /** The registry credential in use and the registry it is for, or null. */
  registryCredential: { id: string; registry: string } | null;
}
