"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SECURITY_HEADERS = void 0;
exports.registerSecurityHeaders = registerSecurityHeaders;
exports.SECURITY_HEADERS = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
};
function registerSecurityHeaders(fastify) {
    fastify.addHook('onRequest', async (_request, reply) => {
        reply.headers(exports.SECURITY_HEADERS);
    });
}
//# sourceMappingURL=security-headers.js.map