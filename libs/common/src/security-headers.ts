import type { FastifyInstance } from 'fastify';

/**
 * Headers every API response carries: JSON is never sniffed, framed, cached or given a
 * referrer, and browsers keep to HTTPS. Routes that serve HTML (/docs) set their own CSP.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
}
