import type * as http from 'node:http';
import * as https from 'node:https';

/** Hop-by-hop headers (RFC 9110 section 7.6.1): never forwarded by a proxy. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/**
 * Sends `req` (its method, path and headers, with `body`) to the same path on the TLS
 * registry at `upstream`, and pipes the answer back; hop-by-hop headers, and those in `drop`,
 * are left out both ways.
 */
export function forwardRequest(
  upstream: string,
  agent: https.Agent,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
  drop: readonly string[] = [],
): void {
  if (res.destroyed) return; // the client went away meanwhile (e.g. the worker was killed)
  const target = new URL(req.url ?? '/', upstream);
  const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
  for (const name of [...HOP_BY_HOP, ...drop]) delete headers[name];
  const out = https.request(target, { method: req.method, headers, agent }, (answer) => {
    const answerHeaders = { ...answer.headers };
    for (const name of HOP_BY_HOP) delete answerHeaders[name];
    res.writeHead(answer.statusCode ?? 502, answerHeaders);
    answer.pipe(res);
    res.once('close', () => answer.destroy());
  });
  out.once('error', () => res.destroy());
  out.end(body);
}
