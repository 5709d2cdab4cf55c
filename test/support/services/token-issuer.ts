/**
 * A Docker-registry token server (the "realm" of `auth: token`) for tests, served over HTTPS
 * with the test CA's server certificate.
 *
 * - `GET /token?service=…&scope=repository:NAME:pull[,push]&scope=…` with optional Basic
 *   credentials, and the OAuth2 form `POST /token` (grant_type=password), as clients send them.
 * - Users come from a table with per-repository grants (glob patterns: `gpu/*`, `*`); requests
 *   without credentials get the anonymous grants. A scope the caller may not have is left out of
 *   the token, as Docker Hub and distribution's own token server do, so the registry answers the
 *   next request with 401 `insufficient_scope`: that is how a test shows "denied".
 *   Wrong credentials get 401 from the issuer itself.
 * - Tokens are RS256 JWTs, signed with jose, whose `x5c` header carries the signing
 *   certificate, which is the registry's `rootcertbundle`.
 * - Every request is recorded. Suites in jest workers read (and extend) the shared issuer
 *   through its admin endpoints under `/_test/` (see `tokenIssuerAdminClient`); a suite that
 *   starts its own issuer reads `issuer.requests` directly.
 */
import { createPrivateKey, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { SigningCertificate } from './tls';
import { httpsRequest } from './https-request';

export type RepositoryAction = 'pull' | 'push' | 'delete' | '*';

export interface RepositoryGrant {
  /** Repository name or glob (`*` matches any characters, including `/`). */
  repository: string;
  actions: RepositoryAction[];
}

export interface TokenUser {
  username: string;
  password: string;
  grants: RepositoryGrant[];
}

/** One entry of the JWT `access` claim. */
export interface AccessClaim {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenRequestRecord {
  at: string;
  method: string;
  /** Basic (or password-grant) user name, null for anonymous requests. */
  account: string | null;
  service: string | null;
  scopes: string[];
  status: number;
  outcome: 'issued' | 'unauthorized' | 'bad_request' | 'overridden';
  /** What the issued token grants (empty when nothing requested was allowed). */
  access: AccessClaim[];
}

export interface TokenIssuerOptions {
  /** HTTPS certificate and key (the test CA's server certificate). */
  tls: { cert: string; key: string };
  signing: SigningCertificate;
  service: string;
  issuer: string;
  users: TokenUser[];
  anonymousGrants?: RepositoryGrant[];
  /** `expires_in` and the JWT lifetime; default 300 s. */
  tokenTtlSeconds?: number;
  /**
   * In-process override: return a response to send instead of the normal one (e.g. a 503 to
   * test retries). The request is recorded with outcome `overridden`.
   */
  override?: (request: Omit<TokenRequestRecord, 'status' | 'outcome' | 'access'>) => OverrideResponse | undefined;
}

export interface OverrideResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TokenIssuer {
  /** `https://127.0.0.1:PORT/token`: the `realm` of the registry's Bearer challenge. */
  realmUrl: string;
  /** `https://127.0.0.1:PORT/_test` */
  adminUrl: string;
  /** Value for the `x-test-admin-secret` header of admin requests. */
  adminSecret: string;
  service: string;
  issuer: string;
  port: number;
  readonly requests: TokenRequestRecord[];
  putUser(user: TokenUser): void;
  stop(): Promise<void>;
}

export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const [cert, key, signingPem, signingKeyPem] = await Promise.all([
    fs.readFile(options.tls.cert, 'utf8'),
    fs.readFile(options.tls.key, 'utf8'),
    fs.readFile(options.signing.cert, 'utf8'),
    fs.readFile(options.signing.key, 'utf8'),
  ]);
  const signingKey = createPrivateKey(signingKeyPem);
  // x5c holds base64 DER (not base64url), RFC 7515 §4.1.6.
  const x5c = [new X509Certificate(signingPem).raw.toString('base64')];
  const users = new Map(options.users.map((user) => [user.username, user]));
  const requests: TokenRequestRecord[] = [];
  const adminSecret = randomBytes(16).toString('hex');
  const ttl = options.tokenTtlSeconds ?? 300;

  const handleToken = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let account: string | null = null;
    let password: string | null = null;
    let service = url.searchParams.get('service');
    let scopes = url.searchParams.getAll('scope');
    const authorization = req.headers.authorization;
    if (authorization?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      account = colon < 0 ? decoded : decoded.slice(0, colon);
      password = colon < 0 ? '' : decoded.slice(colon + 1);
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      service = form.get('service') ?? service;
      scopes = form.getAll('scope');
      if (form.get('grant_type') === 'password') {
        account = form.get('username');
        password = form.get('password') ?? '';
      } else {
        const record = { at: new Date().toISOString(), method: 'POST', account, service, scopes };
        requests.push({ ...record, status: 400, outcome: 'bad_request', access: [] });
        sendJson(res, 400, { error: 'unsupported_grant_type' });
        return;
      }
    }
    scopes = scopes.flatMap((scope) => scope.split(' ')).filter(Boolean);
    const base = { at: new Date().toISOString(), method: req.method ?? 'GET', account, service, scopes };

    const overridden = options.override?.(base);
    if (overridden) {
      requests.push({ ...base, status: overridden.status, outcome: 'overridden', access: [] });
      sendJson(res, overridden.status, overridden.body ?? {}, overridden.headers);
      return;
    }
    if (service !== options.service) {
      requests.push({ ...base, status: 400, outcome: 'bad_request', access: [] });
      sendJson(res, 400, {
        errors: [{ code: 'INVALID_REQUEST', message: `unknown or missing service "${service ?? ''}"` }],
      });
      return;
    }
    let grants = options.anonymousGrants ?? [];
    if (account !== null) {
      const user = users.get(account);
      if (!user || user.password !== password) {
        requests.push({ ...base, status: 401, outcome: 'unauthorized', access: [] });
        sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }, {
          'www-authenticate': `Basic realm="${options.issuer}"`,
        });
        return;
      }
      grants = [...grants, ...user.grants];
    }
    const access = grantedAccess(scopes, grants);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ access })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c })
      .setIssuer(options.issuer)
      .setSubject(account ?? '')
      .setAudience(options.service)
      .setIssuedAt(now)
      .setNotBefore(now - 10)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(signingKey);
    requests.push({ ...base, status: 200, outcome: 'issued', access });
    sendJson(res, 200, { token, access_token: token, expires_in: ttl, issued_at: new Date(now * 1000).toISOString() });
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.headers['x-test-admin-secret'] !== adminSecret) {
      sendJson(res, 403, { error: 'missing or wrong x-test-admin-secret' });
      return;
    }
    const account = url.searchParams.get('account');
    if (url.pathname === '/_test/requests' && req.method === 'GET') {
      sendJson(res, 200, account === null ? requests : requests.filter((record) => record.account === account));
    } else if (url.pathname === '/_test/requests' && req.method === 'DELETE') {
      const kept = account === null ? [] : requests.filter((record) => record.account !== account);
      requests.splice(0, requests.length, ...kept);
      sendJson(res, 200, {});
    } else if (url.pathname.startsWith('/_test/users/') && req.method === 'PUT') {
      const username = decodeURIComponent(url.pathname.slice('/_test/users/'.length));
      const body = JSON.parse((await readBody(req)).toString('utf8')) as Omit<TokenUser, 'username'>;
      users.set(username, { username, password: body.password, grants: body.grants });
      sendJson(res, 200, {});
    } else {
      sendJson(res, 404, { error: 'not found' });
    }
  };

  const server = https.createServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const handler =
      url.pathname === '/token' && (req.method === 'GET' || req.method === 'POST')
        ? handleToken
        : url.pathname.startsWith('/_test/')
          ? handleAdmin
          : undefined;
    if (!handler) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    handler(req, res, url).catch((error: unknown) => {
      sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    realmUrl: `https://127.0.0.1:${port}/token`,
    adminUrl: `https://127.0.0.1:${port}/_test`,
    adminSecret,
    service: options.service,
    issuer: options.issuer,
    port,
    requests,
    putUser: (user) => users.set(user.username, user),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Intersects each requested repository scope with what the grants allow. */
export function grantedAccess(scopes: string[], grants: RepositoryGrant[]): AccessClaim[] {
  const access = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const parsed = parseScope(scope);
    if (!parsed || parsed.type !== 'repository') continue;
    const allowed = new Set<string>();
    for (const grant of grants) {
      if (globToRegExp(grant.repository).test(parsed.name)) grant.actions.forEach((action) => allowed.add(action));
    }
    const actions = parsed.actions.filter((action) => allowed.has('*') || allowed.has(action));
    if (actions.length === 0) continue;
    const existing = access.get(parsed.name) ?? new Set<string>();
    actions.forEach((action) => existing.add(action));
    access.set(parsed.name, existing);
  }
  return [...access].map(([name, actions]) => ({ type: 'repository', name, actions: [...actions] }));
}

/** `repository:gpu/cuda-app:pull,push` → {type, name, actions}; the name may not contain ':'. */
export function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(',').filter(Boolean),
  };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** Reads and extends a token issuer that runs in another process (the jest globalSetup). */
export function tokenIssuerAdminClient(issuer: { adminUrl: string; adminSecret: string }, caFile: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await httpsRequest(`${issuer.adminUrl}${path}`, {
      method,
      caFile,
      headers: { 'x-test-admin-secret': issuer.adminSecret, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`token issuer admin ${method} ${path}: ${response.status} ${response.text()}`);
    return response.json();
  };
  const accountQuery = (account?: string) => (account === undefined ? '' : `?account=${encodeURIComponent(account)}`);
  return {
    /** Recorded token requests, optionally only those of one account (use a per-suite user). */
    requests: (filter: { account?: string } = {}) =>
      call('GET', `/requests${accountQuery(filter.account)}`) as Promise<TokenRequestRecord[]>,
    clearRequests: async (filter: { account?: string } = {}) => {
      await call('DELETE', `/requests${accountQuery(filter.account)}`);
    },
    /** Adds or replaces a user, e.g. a suite-specific one so its recorded requests are its own. */
    putUser: async (user: TokenUser) => {
      await call('PUT', `/users/${encodeURIComponent(user.username)}`, { password: user.password, grants: user.grants });
    },
  };
}
