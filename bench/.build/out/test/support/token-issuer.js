"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.startTokenIssuer = startTokenIssuer;
exports.grantedAccess = grantedAccess;
exports.parseScope = parseScope;
exports.tokenIssuerAdminClient = tokenIssuerAdminClient;
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const https = __importStar(require("node:https"));
const https_request_1 = require("./https-request");
async function startTokenIssuer(options) {
    const [cert, key, signingPem, signingKeyPem] = await Promise.all([
        node_fs_1.promises.readFile(options.tls.cert, 'utf8'),
        node_fs_1.promises.readFile(options.tls.key, 'utf8'),
        node_fs_1.promises.readFile(options.signing.cert, 'utf8'),
        node_fs_1.promises.readFile(options.signing.key, 'utf8'),
    ]);
    const signingKey = (0, node_crypto_1.createPrivateKey)(signingKeyPem);
    const x5c = [pemToDerBase64(signingPem)];
    const users = new Map(options.users.map((user) => [user.username, user]));
    const requests = [];
    const adminSecret = (0, node_crypto_1.randomBytes)(16).toString('hex');
    const ttl = options.tokenTtlSeconds ?? 300;
    const handleToken = async (req, res, url) => {
        let account = null;
        let password = null;
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
            }
            else {
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
        const token = signJwt(signingKey, x5c, {
            iss: options.issuer,
            sub: account ?? '',
            aud: options.service,
            exp: now + ttl,
            nbf: now - 10,
            iat: now,
            jti: (0, node_crypto_1.randomUUID)(),
            access,
        });
        requests.push({ ...base, status: 200, outcome: 'issued', access });
        sendJson(res, 200, { token, access_token: token, expires_in: ttl, issued_at: new Date(now * 1000).toISOString() });
    };
    const handleAdmin = async (req, res, url) => {
        if (req.headers['x-test-admin-secret'] !== adminSecret) {
            sendJson(res, 403, { error: 'missing or wrong x-test-admin-secret' });
            return;
        }
        const account = url.searchParams.get('account');
        if (url.pathname === '/_test/requests' && req.method === 'GET') {
            sendJson(res, 200, account === null ? requests : requests.filter((record) => record.account === account));
        }
        else if (url.pathname === '/_test/requests' && req.method === 'DELETE') {
            const kept = account === null ? [] : requests.filter((record) => record.account !== account);
            requests.splice(0, requests.length, ...kept);
            sendJson(res, 200, {});
        }
        else if (url.pathname.startsWith('/_test/users/') && req.method === 'PUT') {
            const username = decodeURIComponent(url.pathname.slice('/_test/users/'.length));
            const body = JSON.parse((await readBody(req)).toString('utf8'));
            users.set(username, { username, password: body.password, grants: body.grants });
            sendJson(res, 200, {});
        }
        else {
            sendJson(res, 404, { error: 'not found' });
        }
    };
    const server = https.createServer({ cert, key }, (req, res) => {
        const url = new URL(req.url ?? '/', 'https://127.0.0.1');
        const handler = url.pathname === '/token' && (req.method === 'GET' || req.method === 'POST')
            ? handleToken
            : url.pathname.startsWith('/_test/')
                ? handleAdmin
                : undefined;
        if (!handler) {
            sendJson(res, 404, { error: 'not found' });
            return;
        }
        handler(req, res, url).catch((error) => {
            sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const port = server.address().port;
    return {
        realmUrl: `https://127.0.0.1:${port}/token`,
        adminUrl: `https://127.0.0.1:${port}/_test`,
        adminSecret,
        service: options.service,
        issuer: options.issuer,
        port,
        requests,
        putUser: (user) => users.set(user.username, user),
        stop: () => new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}
function grantedAccess(scopes, grants) {
    const access = new Map();
    for (const scope of scopes) {
        const parsed = parseScope(scope);
        if (!parsed || parsed.type !== 'repository')
            continue;
        const allowed = new Set();
        for (const grant of grants) {
            if (globToRegExp(grant.repository).test(parsed.name))
                grant.actions.forEach((action) => allowed.add(action));
        }
        const actions = parsed.actions.filter((action) => allowed.has('*') || allowed.has(action));
        if (actions.length === 0)
            continue;
        const existing = access.get(parsed.name) ?? new Set();
        actions.forEach((action) => existing.add(action));
        access.set(parsed.name, existing);
    }
    return [...access].map(([name, actions]) => ({ type: 'repository', name, actions: [...actions] }));
}
function parseScope(scope) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last === first)
        return undefined;
    return {
        type: scope.slice(0, first),
        name: scope.slice(first + 1, last),
        actions: scope.slice(last + 1).split(',').filter(Boolean),
    };
}
function globToRegExp(glob) {
    return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
function signJwt(key, x5c, claims) {
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c }));
    const payload = base64url(JSON.stringify(claims));
    const signature = (0, node_crypto_1.sign)('sha256', Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${base64url(signature)}`;
}
function base64url(data) {
    return Buffer.from(data).toString('base64url');
}
function pemToDerBase64(pem) {
    return pem
        .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
        .replace(/\s+/g, '');
}
async function readBody(req) {
    const chunks = [];
    for await (const chunk of req)
        chunks.push(chunk);
    return Buffer.concat(chunks);
}
function sendJson(res, status, body, headers = {}) {
    const payload = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
    res.end(payload);
}
function tokenIssuerAdminClient(issuer, caFile) {
    const call = async (method, path, body) => {
        const response = await (0, https_request_1.httpsRequest)(`${issuer.adminUrl}${path}`, {
            method,
            caFile,
            headers: { 'x-test-admin-secret': issuer.adminSecret, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (response.status !== 200)
            throw new Error(`token issuer admin ${method} ${path}: ${response.status} ${response.text()}`);
        return response.json();
    };
    const accountQuery = (account) => (account === undefined ? '' : `?account=${encodeURIComponent(account)}`);
    return {
        requests: (filter = {}) => call('GET', `/requests${accountQuery(filter.account)}`),
        clearRequests: async (filter = {}) => {
            await call('DELETE', `/requests${accountQuery(filter.account)}`);
        },
        putUser: async (user) => {
            await call('PUT', `/users/${encodeURIComponent(user.username)}`, { password: user.password, grants: user.grants });
        },
    };
}
