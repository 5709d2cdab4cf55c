"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RegistryError = exports.InvalidImageReferenceError = void 0;
exports.sanitizeRegistryMessage = sanitizeRegistryMessage;
class InvalidImageReferenceError extends Error {
    name = 'InvalidImageReferenceError';
    constructor(message) {
        super(message);
    }
}
exports.InvalidImageReferenceError = InvalidImageReferenceError;
class RegistryError extends Error {
    code;
    name = 'RegistryError';
    retryable;
    retryAfterMs;
    constructor(code, message, options = {}) {
        super(message);
        this.code = code;
        this.retryable = options.retryable ?? false;
        this.retryAfterMs = options.retryAfterMs;
    }
}
exports.RegistryError = RegistryError;
const MAX_REGISTRY_MESSAGE_LENGTH = 200;
function sanitizeRegistryMessage(text, secrets = []) {
    let clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
    for (const secret of secrets) {
        if (secret.length >= 4)
            clean = clean.split(secret).join('[redacted]');
    }
    clean = clean.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]');
    if (clean.length > MAX_REGISTRY_MESSAGE_LENGTH) {
        clean = clean.slice(0, MAX_REGISTRY_MESSAGE_LENGTH - 1) + '…';
    }
    return clean;
}
//# sourceMappingURL=errors.js.map