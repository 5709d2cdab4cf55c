/** One small HTTP(S) request helper that trusts the test CA; used by setup code and suites. */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

export interface TestHttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export interface TestHttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** PEM of the CA to trust, or use `caFile`. */
  ca?: string;
  caFile?: string;
  timeoutMs?: number;
  /** A keep-alive agent for a burst of requests (the caller destroys it); default: none. */
  agent?: http.Agent;
}

const caByFile = new Map<string, string>();

/**
 * Sends one request and buffers the whole response. Without `agent` the connection is not
 * reused, so no keep-alive socket is left open to keep a jest worker alive.
 */
export function httpsRequest(url: string | URL, request: TestHttpRequest = {}): Promise<TestHttpResponse> {
  const target = typeof url === 'string' ? new URL(url) : url;
  let ca = request.ca;
  if (!ca && request.caFile) {
    ca = caByFile.get(request.caFile) ?? readFileSync(request.caFile, 'utf8');
    caByFile.set(request.caFile, ca);
  }
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const headers: Record<string, string> = { ...request.headers };
  if (body) headers['content-length'] = String(body.length);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: request.method ?? 'GET',
        headers,
        agent: request.agent ?? false,
        ...(target.protocol === 'https:' ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const buffer = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buffer,
            text: () => buffer.toString('utf8'),
            json: <T>() => JSON.parse(buffer.toString('utf8')) as T,
          });
        });
      },
    );
    req.setTimeout(request.timeoutMs ?? 15_000, () => req.destroy(new Error(`${request.method ?? 'GET'} ${target} timed out`)));
    req.once('error', reject);
    req.end(body);
  });
}

/** `Basic base64(user:password)` */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or Basic) into its scheme and params. */
export function parseAuthenticateHeader(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z_]+)="((?:[^"\\]|\\.)*)"/g;
  for (const match of header.slice(space + 1).matchAll(pattern)) params[match[1]] = match[2].replace(/\\(.)/g, '$1');
  return { scheme, params };
}
