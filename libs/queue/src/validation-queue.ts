/**
 * The validation queue's names and payloads, in one place. The payload is the template id
 * only: the registry token never travels through Redis; the worker reads and decrypts it
 * from the database.
 */
export const VALIDATION_QUEUE = 'template-validation';

export enum ValidationJobName {
  ValidateTemplate = 'validate-template',
}

export interface ValidationJobPayloads {
  [ValidationJobName.ValidateTemplate]: { templateId: string };
}

export type ValidationJobData = ValidationJobPayloads[ValidationJobName];

/** What a validation job ends with (kept in BullMQ's completed event, never in the payload). */
export type ValidationJobResult =
  | { outcome: 'passed' | 'failed' }
  /** The template was deleted, or changed while being validated: nothing was written. */
  | { outcome: 'skipped'; reason: 'missing' | 'stale' | 'not_pending' };
