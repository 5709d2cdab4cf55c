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
exports.HttpTransport = exports.MAX_REDIRECTS = exports.ERROR_BODY_LIMIT_BYTES = void 0;
const http = __importStar(require("node:http"));
const https = __importStar(require("node:https"));
const node_net_1 = require("node:net");
const connection_pool_1 = require("./connection-pool");
const deadline_1 = require("./deadline");
const egress_policy_1 = require("./egress-policy");
const errors_1 = require("./errors");
const host_resolver_1 = require("./host-resolver");
exports.ERROR_BODY_LIMIT_BYTES = 1024 * 1024;
exports.MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_DNS_CACHE_TTL_MS = 30_000;
const DEFAULT_MAX_SOCKETS_PER_ENDPOINT = 64;
const CONNECT_FAILURE_CODES = new Set([
    'ECONNREFUSED',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EADDRNOTAVAIL',
]);
const TLS_ERROR_CODE = /^(ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|^EPROTO$/;
class AttemptFailure {
    error;
    tryNextAddress;
    staleReusedSocket;
    constructor(error, tryNextAddress, staleReusedSocket) {
        this.error = error;
        this.tryNextAddress = tryNextAddress;
        this.staleReusedSocket = staleReusedSocket;
    }
}
class HttpTransport {
    options;
    resolver;
    pool;
    constructor(options) {
        this.options = options;
        this.resolver = new host_resolver_1.CachingHostResolver(options.resolver ?? host_resolver_1.systemResolver, options.dnsCacheTtlMs ?? DEFAULT_DNS_CACHE_TTL_MS, options.clock ?? Date.now);
        this.pool = new connection_pool_1.ConnectionPool({
            caPem: options.caPem,
            maxSocketsPerEndpoint: options.maxSocketsPerHost ?? DEFAULT_MAX_SOCKETS_PER_ENDPOINT,
        });
    }
    async request(request) {
        let url = request.url;
        let authorization = request.authorization;
        for (let redirects = 0;; redirects++) {
            const response = await this.send({ ...request, url, authorization });
            const location = response.headers.location;
            if (!REDIRECT_STATUSES.has(response.status) || !location)
                return response;
            if (redirects === exports.MAX_REDIRECTS) {
                throw new errors_1.RegistryError('registry_error', `The registry at ${request.url.host} redirected more than ${exports.MAX_REDIRECTS} times.`);
            }
            const next = parseRedirect(location, url);
            if (next.origin !== url.origin)
                authorization = undefined;
            url = next;
        }
    }
    close() {
        this.pool.close();
        this.resolver.clear();
    }
    async send(request) {
        request.signal.throwIfAborted();
        const endpoint = this.endpointOf(request.url);
        const addresses = await this.vettedAddresses(endpoint, request.signal);
        let lastError;
        for (const address of addresses) {
            for (let retriedStaleSocket = false;; retriedStaleSocket = true) {
                try {
                    return await this.attempt(endpoint, address, request);
                }
                catch (error) {
                    if (!(error instanceof AttemptFailure))
                        throw error;
                    lastError = error.error;
                    if (error.staleReusedSocket && !retriedStaleSocket)
                        continue;
                    if (error.tryNextAddress)
                        break;
                    throw error.error;
                }
            }
        }
        throw lastError;
    }
    endpointOf(url) {
        const hostname = url.hostname.replace(/^\[|\]$/g, '');
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
            throw new errors_1.RegistryError('registry_error', `The registry pointed at an unsupported URL scheme "${url.protocol}" (${url.host}).`);
        }
        const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
        const display = (0, egress_policy_1.hostPortKey)(hostname, port);
        if (url.protocol === 'http:' && !this.options.egress.allowsPlainHttp(hostname, port)) {
            throw new errors_1.RegistryError('registry_error', `Refusing to use plain HTTP for ${display}: registries must be reached over HTTPS.`);
        }
        return { protocol: url.protocol, hostname, port, display };
    }
    async vettedAddresses(endpoint, signal) {
        const addresses = (0, node_net_1.isIP)(endpoint.hostname) ? [endpoint.hostname] : await (0, deadline_1.raceWithSignal)(this.resolver.resolve(endpoint.hostname), signal);
        const decision = this.options.egress.check(endpoint.hostname, endpoint.port, addresses);
        if (!decision.allowed) {
            throw new errors_1.RegistryError('registry_address_blocked', `Connections to ${endpoint.display} are not allowed: it resolves to a non-public network address. Registries must be reachable on the public internet.`);
        }
        return addresses;
    }
    attempt(endpoint, address, request) {
        const { connectTimeoutMs, headersTimeoutMs } = this.options.timeouts;
        const client = endpoint.protocol === 'https:' ? https : http;
        return new Promise((resolve, reject) => {
            let connected = false;
            let settled = false;
            let timer;
            const succeed = (response) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                resolve(response);
            };
            const fail = (error, reason = {}) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                req.destroy();
                reject(new AttemptFailure(error, reason.tryNextAddress ?? false, reason.staleReusedSocket ?? false));
            };
            const waitForHeaders = () => {
                connected = true;
                clearTimeout(timer);
                timer = setTimeout(() => fail(timeoutError(endpoint, `send response headers within ${headersTimeoutMs} ms`)), headersTimeoutMs);
            };
            const req = client.request({
                agent: this.pool.agentFor(endpoint, address),
                host: endpoint.hostname,
                port: endpoint.port,
                method: request.method,
                path: request.url.pathname + request.url.search,
                headers: {
                    'User-Agent': this.options.userAgent,
                    ...request.headers,
                    ...(request.authorization ? { Authorization: request.authorization } : {}),
                },
                signal: request.signal,
            });
            let reusedSocket = false;
            req.on('socket', (socket) => {
                if (!socket.connecting) {
                    reusedSocket = true;
                    return waitForHeaders();
                }
                timer = setTimeout(() => fail(timeoutError(endpoint, `accept the connection within ${connectTimeoutMs} ms`), { tryNextAddress: true }), connectTimeoutMs);
                socket.once(endpoint.protocol === 'https:' ? 'secureConnect' : 'connect', waitForHeaders);
            });
            req.on('error', (error) => {
                if (request.signal.aborted)
                    return fail((0, deadline_1.abortReason)(request.signal));
                fail(connectionError(endpoint, error), {
                    tryNextAddress: !connected && CONNECT_FAILURE_CODES.has(error.code ?? ''),
                    staleReusedSocket: reusedSocket && error.code === 'ECONNRESET',
                });
            });
            req.on('response', (res) => {
                clearTimeout(timer);
                const status = res.statusCode ?? 0;
                const respond = (body) => succeed({ status, headers: res.headers, body, url: request.url });
                if (request.method === 'HEAD') {
                    res.resume();
                    return respond(Buffer.alloc(0));
                }
                const successful = status >= 200 && status < 300;
                const limit = successful ? request.maxBodyBytes : exports.ERROR_BODY_LIMIT_BYTES;
                if (successful && Number(res.headers['content-length']) > limit) {
                    return fail(request.onBodyTooLarge());
                }
                req.setTimeout(headersTimeoutMs, () => fail(timeoutError(endpoint, `send the response body (stalled for ${headersTimeoutMs} ms)`)));
                readBody(res, limit).then(({ body, truncated }) => {
                    if (truncated && successful)
                        return fail(request.onBodyTooLarge());
                    if (truncated)
                        req.destroy();
                    respond(body);
                }, (error) => {
                    if (request.signal.aborted)
                        return fail((0, deadline_1.abortReason)(request.signal));
                    fail(connectionError(endpoint, error));
                });
            });
            req.end();
        });
    }
}
exports.HttpTransport = HttpTransport;
function readBody(res, limit) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        const onData = (chunk) => {
            if (size + chunk.length > limit) {
                chunks.push(chunk.subarray(0, limit - size));
                res.off('data', onData);
                res.pause();
                res.on('error', () => undefined);
                return resolve({ body: Buffer.concat(chunks), truncated: true });
            }
            chunks.push(chunk);
            size += chunk.length;
        };
        res.on('data', onData);
        res.once('end', () => resolve({ body: Buffer.concat(chunks), truncated: false }));
        res.once('error', reject);
        res.once('close', () => {
            if (!res.complete)
                reject(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' }));
        });
    });
}
function parseRedirect(location, base) {
    try {
        return new URL(location, base);
    }
    catch {
        throw new errors_1.RegistryError('registry_error', `The registry at ${base.host} sent an invalid redirect.`);
    }
}
function connectionError(endpoint, error) {
    if (error instanceof errors_1.RegistryError)
        return error;
    const code = error.code ?? 'ECONNRESET';
    if (TLS_ERROR_CODE.test(code)) {
        return new errors_1.RegistryError('tls_error', `Could not establish a trusted TLS connection to ${endpoint.display} (${code}). The registry must serve a valid certificate for its host name, signed by a public CA.`);
    }
    return new errors_1.RegistryError('registry_unreachable', `Could not reach the registry at ${endpoint.display} (${code}). Check the host name and port; the check will be retried.`, { retryable: true });
}
function timeoutError(endpoint, what) {
    return new errors_1.RegistryError('registry_unreachable', `The registry at ${endpoint.display} did not ${what}.`, {
        retryable: true,
    });
}
//# sourceMappingURL=http-transport.js.map