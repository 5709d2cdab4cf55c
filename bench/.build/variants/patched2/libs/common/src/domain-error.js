"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DomainError = exports.HTTP_STATUS_BY_CODE = exports.ErrorCode = void 0;
var ErrorCode;
(function (ErrorCode) {
    ErrorCode["Unauthorized"] = "unauthorized";
    ErrorCode["Forbidden"] = "forbidden";
    ErrorCode["NotFound"] = "not_found";
    ErrorCode["ValidationError"] = "validation_error";
    ErrorCode["QuotaExceeded"] = "quota_exceeded";
    ErrorCode["Conflict"] = "conflict";
    ErrorCode["PayloadTooLarge"] = "payload_too_large";
    ErrorCode["IdempotencyMismatch"] = "idempotency_key_mismatch";
    ErrorCode["RateLimited"] = "rate_limited";
    ErrorCode["Unavailable"] = "unavailable";
    ErrorCode["InternalError"] = "internal_error";
})(ErrorCode || (exports.ErrorCode = ErrorCode = {}));
exports.HTTP_STATUS_BY_CODE = {
    [ErrorCode.Unauthorized]: 401,
    [ErrorCode.Forbidden]: 403,
    [ErrorCode.NotFound]: 404,
    [ErrorCode.ValidationError]: 400,
    [ErrorCode.QuotaExceeded]: 400,
    [ErrorCode.Conflict]: 409,
    [ErrorCode.PayloadTooLarge]: 413,
    [ErrorCode.IdempotencyMismatch]: 422,
    [ErrorCode.RateLimited]: 429,
    [ErrorCode.Unavailable]: 503,
    [ErrorCode.InternalError]: 500,
};
class DomainError extends Error {
    code;
    headers;
    constructor(code, message, headers = {}) {
        super(message);
        this.code = code;
        this.headers = headers;
        this.name = 'DomainError';
    }
    get status() {
        return exports.HTTP_STATUS_BY_CODE[this.code];
    }
    static validation(field, problem) {
        return new DomainError(ErrorCode.ValidationError, `${field}: ${problem}`);
    }
    static notFound(what = 'Template not found') {
        return new DomainError(ErrorCode.NotFound, what);
    }
}
exports.DomainError = DomainError;
//# sourceMappingURL=domain-error.js.map