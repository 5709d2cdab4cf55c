import { DomainError } from '@app/common';
import { ImageReference } from '@app/oci';
import {
  parseCategory,
  parseDescription,
  parseImage,
  parseName,
  parseToken,
  parseUsername,
  rejectUnknownFields,
  requireObject,
  WRITABLE_FIELDS,
} from './create-template.request';

/**
 * A PATCH body: every field optional, same rules as create. For the credentials,
 * `undefined` leaves them as they are, `null` removes them, and a value replaces
 * them (a username alone keeps the stored token; a token alone keeps the username).
 */
export interface UpdateTemplateRequest {
  name?: string;
  description?: string;
  category?: string;
  image?: ImageReference;
  username?: string | null;
  token?: string | null;
}

export function parseUpdateTemplateRequest(body: unknown): UpdateTemplateRequest {
  const fields = requireObject(body);
  rejectUnknownFields(fields, WRITABLE_FIELDS);
  if (Object.keys(fields).length === 0) throw DomainError.validation('body', 'must contain at least one field to change');
  const request: UpdateTemplateRequest = {};
  if ('name' in fields) request.name = parseName(fields.name);
  if ('description' in fields) request.description = parseDescription(fields.description);
  if ('category' in fields) request.category = parseCategory(fields.category);
  if ('image' in fields) request.image = parseImage(fields.image);
  const username = fields.oci_registry_username;
  const token = fields.oci_registry_token;
  if (username === null || token === null) {
    if ((username !== undefined && username !== null) || (token !== undefined && token !== null)) {
      throw DomainError.validation('oci_registry_token', 'null removes the credentials: send null for both, or values for both');
    }
    request.username = null;
    request.token = null;
    return request;
  }
  if (username !== undefined) request.username = parseUsername(username);
  if (token !== undefined) request.token = parseToken(token);
  return request;
}
