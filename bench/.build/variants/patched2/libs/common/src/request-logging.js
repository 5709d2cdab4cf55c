"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.requestIdFrom = requestIdFrom;
exports.registerRequestLogging = registerRequestLogging;
exports.routeOf = routeOf;
const node_crypto_1 = require("node:crypto");
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
function requestIdFrom(request) {
    const given = request.headers['x-request-id'];
    return typeof given === 'string' && REQUEST_ID.test(given) ? given : (0, node_crypto_1.randomUUID)();
}
function registerRequestLogging(fastify, logger, metrics) {
    fastify.addHook('onRequest', async (request, reply) => {
        reply.header('x-request-id', request.id);
    });
    fastify.addHook('onResponse', async (request, reply) => {
        const status = reply.statusCode;
        const route = routeOf(request);
        metrics.httpRequestDuration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
        const line = {
            requestId: request.id,
            method: request.method,
            route,
            status,
            durationMs: Math.round(reply.elapsedTime * 100) / 100,
        };
        if (status >= 500)
            logger.error(line, 'request');
        else
            logger.info(line, 'request');
    });
}
function routeOf(request) {
    return request.routeOptions?.url ?? 'unmatched';
}
//# sourceMappingURL=request-logging.js.map