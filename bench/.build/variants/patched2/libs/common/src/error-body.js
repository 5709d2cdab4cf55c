"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.isDatabaseUnavailable = isDatabaseUnavailable;
exports.mapError = mapError;
const domain_error_1 = require("./domain-error");
const FASTIFY_ERRORS = {
    FST_ERR_CTP_BODY_TOO_LARGE: { code: domain_error_1.ErrorCode.PayloadTooLarge, message: 'Request body is larger than 64 KiB' },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: {
        code: domain_error_1.ErrorCode.ValidationError,
        message: 'Content-Type must be application/json',
    },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: domain_error_1.ErrorCode.ValidationError, message: 'Content-Length does not match the body' },
    FST_ERR_CTP_EMPTY_JSON_BODY: { code: domain_error_1.ErrorCode.ValidationError, message: 'Request body must be a JSON object' },
    FST_ERR_CTP_INVALID_JSON_BODY: { code: domain_error_1.ErrorCode.ValidationError, message: 'Request body is not valid JSON' },
};
const UNAVAILABLE_SIGNALS = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENOTFOUND',
    'EPIPE',
    '57P01',
    '57P02',
    '57P03',
    '57014',
    '08000',
    '08001',
    '08003',
    '08006',
    '53300',
    'P1001',
    'P1002',
    'P1017',
    'P2024',
];
const UNAVAILABLE_MESSAGES = [
    /timeout exceeded when trying to connect/i,
    /connection terminated/i,
    /Connection terminated unexpectedly/i,
    /the database system is (starting up|shutting down)/i,
    /Client has encountered a connection error/i,
];
const UNAVAILABLE_KINDS = ['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist'];
function isDatabaseUnavailable(error) {
    for (let current = error, depth = 0; current && depth < 6; depth++) {
        const candidate = current;
        if (typeof candidate.code === 'string' && UNAVAILABLE_SIGNALS.includes(candidate.code))
            return true;
        if (typeof candidate.kind === 'string' && UNAVAILABLE_KINDS.includes(candidate.kind))
            return true;
        if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(candidate.message))) {
            return true;
        }
        current = candidate.meta?.driverAdapterError ?? candidate.cause;
    }
    return false;
}
function mapError(error, requestId) {
    if (error instanceof domain_error_1.DomainError) {
        return { status: error.status, body: { code: error.code, message: error.message }, headers: error.headers, unexpected: false };
    }
    const fastifyCode = error?.code;
    if (typeof fastifyCode === 'string' && FASTIFY_ERRORS[fastifyCode]) {
        const { code, message } = FASTIFY_ERRORS[fastifyCode];
        return { status: domain_error_1.HTTP_STATUS_BY_CODE[code], body: { code, message }, headers: {}, unexpected: false };
    }
    if (error instanceof SyntaxError && error.statusCode === 400) {
        return known(domain_error_1.ErrorCode.ValidationError, 'Request body is not valid JSON');
    }
    const httpStatus = error?.getStatus?.() ?? error?.statusCode;
    if (httpStatus === 404)
        return known(domain_error_1.ErrorCode.NotFound, 'Route not found');
    if (httpStatus === 405)
        return known(domain_error_1.ErrorCode.NotFound, 'Method not allowed on this route');
    if (httpStatus === 413)
        return known(domain_error_1.ErrorCode.PayloadTooLarge, 'Request body is larger than 64 KiB');
    if (httpStatus === 415)
        return known(domain_error_1.ErrorCode.ValidationError, 'Content-Type must be application/json');
    if (httpStatus === 400) {
        const isJson = /JSON/i.test(String(error?.message));
        return known(domain_error_1.ErrorCode.ValidationError, isJson ? 'Request body is not valid JSON' : 'Malformed request');
    }
    if (isDatabaseUnavailable(error)) {
        return {
            ...known(domain_error_1.ErrorCode.Unavailable, 'The service is temporarily unavailable; retry shortly'),
            headers: { 'retry-after': '2' },
        };
    }
    return {
        status: 500,
        body: { code: domain_error_1.ErrorCode.InternalError, message: `Internal server error (request id ${requestId})` },
        headers: {},
        unexpected: true,
    };
}
function known(code, message) {
    return { status: domain_error_1.HTTP_STATUS_BY_CODE[code], body: { code, message }, headers: {}, unexpected: false };
}
//# sourceMappingURL=error-body.js.map