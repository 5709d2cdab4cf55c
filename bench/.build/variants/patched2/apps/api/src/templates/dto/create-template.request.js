"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_TOKEN_LENGTH = exports.MAX_USERNAME_LENGTH = exports.MAX_CATEGORY_LENGTH = exports.MAX_DESCRIPTION_LENGTH = exports.NAME_PATTERN = void 0;
exports.parseCreateTemplateRequest = parseCreateTemplateRequest;
exports.requireObject = requireObject;
exports.rejectUnknownFields = rejectUnknownFields;
exports.parseName = parseName;
exports.parseDescription = parseDescription;
exports.parseCategory = parseCategory;
exports.parseImage = parseImage;
exports.parseCredentials = parseCredentials;
exports.parseUsername = parseUsername;
exports.parseToken = parseToken;
const common_1 = require("../../../../../libs/common/src");
const oci_1 = require("../../../../../libs/oci/src");
const WRITABLE_FIELDS = new Set(['name', 'description', 'image', 'category', 'oci_registry_username', 'oci_registry_token']);
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
exports.NAME_PATTERN = /^[A-Za-z0-9_-](?:[A-Za-z0-9 _-]*[A-Za-z0-9_-])?$/;
exports.MAX_DESCRIPTION_LENGTH = 2000;
exports.MAX_CATEGORY_LENGTH = 64;
exports.MAX_USERNAME_LENGTH = 255;
exports.MAX_TOKEN_LENGTH = 16 * 1024;
function parseCreateTemplateRequest(body) {
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
function requireObject(body) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw common_1.DomainError.validation('body', 'must be a JSON object');
    }
    return body;
}
function rejectUnknownFields(fields, writable) {
    for (const key of Object.keys(fields)) {
        if (writable.has(key))
            continue;
        if (READ_ONLY_FIELDS.has(key))
            throw common_1.DomainError.validation(key, 'is read-only and cannot be set');
        throw common_1.DomainError.validation(shorten(key), 'is not a known field');
    }
}
function parseName(value) {
    const name = requireString('name', value);
    if (name.length < 3 || name.length > 100)
        throw common_1.DomainError.validation('name', 'must be 3 to 100 characters long');
    if (name !== name.trim())
        throw common_1.DomainError.validation('name', 'must not start or end with a space');
    if (!exports.NAME_PATTERN.test(name)) {
        throw common_1.DomainError.validation('name', 'may contain only letters, digits, spaces, hyphens and underscores');
    }
    return name;
}
function parseDescription(value) {
    const description = requireString('description', value);
    if (description.length > exports.MAX_DESCRIPTION_LENGTH) {
        throw common_1.DomainError.validation('description', `must be at most ${exports.MAX_DESCRIPTION_LENGTH} characters long`);
    }
    return description;
}
function parseCategory(value) {
    const category = requireString('category', value);
    if (category.trim().length === 0 || category.length > exports.MAX_CATEGORY_LENGTH) {
        throw common_1.DomainError.validation('category', `must be 1 to ${exports.MAX_CATEGORY_LENGTH} characters long`);
    }
    if (/[\u0000-\u001f\u007f]/.test(category))
        throw common_1.DomainError.validation('category', 'must not contain control characters');
    return category;
}
function parseImage(value) {
    const image = requireString('image', value);
    try {
        return oci_1.ImageReference.parse(image);
    }
    catch (error) {
        if (error instanceof oci_1.InvalidImageReferenceError)
            throw common_1.DomainError.validation('image', error.message);
        throw error;
    }
}
function parseCredentials(username, token) {
    const hasUsername = username !== undefined && username !== null;
    const hasToken = token !== undefined && token !== null;
    if (!hasUsername && !hasToken)
        return null;
    if (!hasUsername)
        throw common_1.DomainError.validation('oci_registry_username', 'is required when oci_registry_token is set');
    if (!hasToken)
        throw common_1.DomainError.validation('oci_registry_token', 'is required when oci_registry_username is set');
    return { username: parseUsername(username), token: parseToken(token) };
}
function parseUsername(value) {
    const username = requireString('oci_registry_username', value);
    if (username.length === 0 || username.length > exports.MAX_USERNAME_LENGTH) {
        throw common_1.DomainError.validation('oci_registry_username', `must be 1 to ${exports.MAX_USERNAME_LENGTH} characters long`);
    }
    if (username.includes(':'))
        throw common_1.DomainError.validation('oci_registry_username', 'must not contain a colon');
    if (/[\u0000-\u001f\u007f]/.test(username)) {
        throw common_1.DomainError.validation('oci_registry_username', 'must not contain control characters');
    }
    return username;
}
function parseToken(value) {
    if (typeof value !== 'string')
        throw common_1.DomainError.validation('oci_registry_token', 'must be a string');
    if (value.length === 0 || value.length > exports.MAX_TOKEN_LENGTH) {
        throw common_1.DomainError.validation('oci_registry_token', `must be 1 to ${exports.MAX_TOKEN_LENGTH} characters long`);
    }
    if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw common_1.DomainError.validation('oci_registry_token', 'must not contain control characters or line breaks');
    }
    return value;
}
function requireString(field, value) {
    if (value === undefined || value === null)
        throw common_1.DomainError.validation(field, 'is required');
    if (typeof value !== 'string')
        throw common_1.DomainError.validation(field, 'must be a string');
    return value;
}
function shorten(key) {
    return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}
//# sourceMappingURL=create-template.request.js.map