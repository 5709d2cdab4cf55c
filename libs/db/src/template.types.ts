/** Domain types the repositories return: no Prisma types leave libs/db, no secret columns either. */
import type { AppSpec, ValidationErrorCode } from '@app/oci';

export type { AppSpec } from '@app/oci';
export type TemplateStatus = 'Inactive' | 'Active';
export type ValidationState = 'pending' | 'running' | 'passed' | 'failed';

export interface ValidationErrorInfo {
  code: ValidationErrorCode;
  message: string;
  retryable: boolean;
}

/** The registry facts found by the last validation (shape owned by libs/oci), stored as JSON. */
export type ValidationReportJson = Record<string, unknown>;

export interface TemplateRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  category: string;
  image: string;
  ociRegistryUsername: string | null;
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
    report: ValidationReportJson | null;
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
  specVersion: number;
  status: TemplateStatus;
  validationState: ValidationState;
  validationReport: ValidationReportJson | null;
}

/** The columns an update may change. `credentials: null` removes them. */
export interface TemplateUpdate {
  name?: string;
  description?: string;
  category?: string;
  image?: string;
  credentials?: { username: string; ciphertext: Buffer | null } | null;
}

/** What the update plan sees of the current row (no secret material). */
export interface CurrentTemplateSpec {
  image: string;
  ociRegistryUsername: string | null;
  hasRegistryToken: boolean;
}
