import { DomainError, shorten } from '@app/common';
import { ImageReference, InvalidImageReferenceError } from '@app/oci';

/** `CustomTemplateRequest` of the spec, after validation. */
export interface CreateTemplateRequest {
  name: string;
  description: string;
  category: string;
  image: ImageReference;
  credentials: RegistryCredentialsInput | null;
}

export interface RegistryCredentialsInput {
  username: string;
  token: string;
}

export const WRITABLE_FIELDS: ReadonlySet<string> = new Set(['name', 'description', 'image', 'category', 'oci_registry_username', 'oci_registry_token']);
const READ_ONLY_FIELDS = new Set([
  'id',
  'status',
  'apps',
  'owner_org_id',
  'created_by',
  'created_at',
  'updated_at',
  'validation',
  'warnings',
]);

export const NAME_PATTERN = /^[A-Za-z0-9_-](?:[A-Za-z0-9 _-]*[A-Za-z0-9_-])?$/;
export const MAX_DESCRIPTION_LENGTH = 2000;
export const MAX_CATEGORY_LENGTH = 64;
export const MAX_USERNAME_LENGTH = 255;
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** Validates a create body; every message names the offending field. */
export function parseCreateTemplateRequest(body: unknown): CreateTemplateRequest {
  const fields = requireObject(body);
  rejectUnknownFields(fields, WRITABLE_FIELDS);
  return {
    name: parseName(fields.name),
    description: parseDescription(fields.description),
    category: parseCategory(fields.category),
    image: parseImage(fields.image),
    credentials: parseCredentials(fields.oci_registry_username, fields.oci_registry_token),
  };
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw DomainError.validation('body', 'must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function rejectUnknownFields(fields: Record<string, unknown>, writable: ReadonlySet<string>): void {
  for (const key of Object.keys(fields)) {
    if (writable.has(key)) continue;
    if (READ_ONLY_FIELDS.has(key)) throw DomainError.validation(key, 'is read-only and cannot be set');
    throw DomainError.validation(shorten(key, 64), 'is not a known field');
  }
}

export function parseName(value: unknown): string {
  const name = requireString('name', value);
  if (name.length < 3 || name.length > 100) throw DomainError.validation('name', 'must be 3 to 100 characters long');
  if (name !== name.trim()) throw DomainError.validation('name', 'must not start or end with a space');
  if (!NAME_PATTERN.test(name)) {
    throw DomainError.validation('name', 'may contain only letters, digits, spaces, hyphens and underscores');
  }
  return name;
}

export function parseDescription(value: unknown): string {
  const description = requireString('description', value);
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw DomainError.validation('description', `must be at most ${MAX_DESCRIPTION_LENGTH} characters long`);
  }
  return description;
}

export function parseCategory(value: unknown): string {
  const category = requireString('category', value);
  if (category.trim().length === 0 || category.length > MAX_CATEGORY_LENGTH) {
    throw DomainError.validation('category', `must be 1 to ${MAX_CATEGORY_LENGTH} characters long`);
  }
  if (/[\u0000-\u001f\u007f]/.test(category)) throw DomainError.validation('category', 'must not contain control characters');
  return category;
}

export function parseImage(value: unknown): ImageReference {
  const image = requireString('image', value);
  try {
    return ImageReference.parse(image);
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) throw DomainError.validation('image', error.message);
    throw error;
  }
}

/** Both or neither; a null counts as absent. */
export function parseCredentials(username: unknown, token: unknown): RegistryCredentialsInput | null {
  const hasUsername = username !== undefined && username !== null;
  const hasToken = token !== undefined && token !== null;
  if (!hasUsername && !hasToken) return null;
  if (!hasUsername) throw DomainError.validation('oci_registry_username', 'is required when oci_registry_token is set');
  if (!hasToken) throw DomainError.validation('oci_registry_token', 'is required when oci_registry_username is set');
  return { username: parseUsername(username), token: parseToken(token) };
}

export function parseUsername(value: unknown): string {
  const username = requireString('oci_registry_username', value);
  if (username.length === 0 || username.length > MAX_USERNAME_LENGTH) {
    throw DomainError.validation('oci_registry_username', `must be 1 to ${MAX_USERNAME_LENGTH} characters long`);
  }
  // Basic authentication joins user and password with a colon (RFC 7617).
  if (username.includes(':')) throw DomainError.validation('oci_registry_username', 'must not contain a colon');
  if (/[\u0000-\u001f\u007f]/.test(username)) {
    throw DomainError.validation('oci_registry_username', 'must not contain control characters');
  }
  return username;
}

export function parseToken(value: unknown): string {
  // Messages here never quote the token.
  if (typeof value !== 'string') throw DomainError.validation('oci_registry_token', 'must be a string');
  if (value.length === 0 || value.length > MAX_TOKEN_LENGTH) {
    throw DomainError.validation('oci_registry_token', `must be 1 to ${MAX_TOKEN_LENGTH} characters long`);
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw DomainError.validation('oci_registry_token', 'must not contain control characters or line breaks');
  }
  return value;
}

function requireString(field: string, value: unknown): string {
  if (value === undefined || value === null) throw DomainError.validation(field, 'is required');
  if (typeof value !== 'string') throw DomainError.validation(field, 'must be a string');
  return value;
}
