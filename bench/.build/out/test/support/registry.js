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
exports.DEFAULT_ANONYMOUS_GRANTS = exports.DEFAULT_TOKEN_USERS = exports.DEFAULT_BASIC_USERS = void 0;
exports.startRegistry = startRegistry;
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const bcrypt_1 = require("./bcrypt");
const child_process_1 = require("./child-process");
const https_request_1 = require("./https-request");
const tls_1 = require("./tls");
const token_issuer_1 = require("./token-issuer");
exports.DEFAULT_BASIC_USERS = [
    { username: 'basic-user', password: 'p@ss:w0rd/+basic' },
];
exports.DEFAULT_TOKEN_USERS = [
    { username: 'pusher', password: 'pusher-password', grants: [{ repository: '*', actions: ['pull', 'push', 'delete'] }] },
    { username: 'reader', password: 'reader-password', grants: [{ repository: 'gpu/*', actions: ['pull'] }] },
    { username: 'restricted', password: 'restricted:p@ss', grants: [{ repository: 'gpu/cuda-app', actions: ['pull'] }] },
];
exports.DEFAULT_ANONYMOUS_GRANTS = [{ repository: 'public/*', actions: ['pull'] }];
async function startRegistry(baseDir, options) {
    const executable = await (0, child_process_1.requireExecutable)('docker-registry', 'docker-registry');
    const { auth, certificates } = options;
    const name = options.name ?? `registry-${auth.mode}`;
    const dir = path.join(baseDir, name);
    const storageDir = path.join(dir, 'storage');
    const configFile = path.join(dir, 'config.yml');
    const logFile = path.join(dir, 'registry.log');
    await node_fs_1.promises.mkdir(storageDir, { recursive: true });
    let authConfig = '';
    let tokenIssuer;
    let users = [];
    let pushCredentials;
    if (auth.mode === 'basic') {
        const htpasswdFile = path.join(dir, 'htpasswd');
        await node_fs_1.promises.writeFile(htpasswdFile, auth.users.map((user) => (0, bcrypt_1.htpasswdLine)(user.username, user.password)).join('\n') + '\n');
        authConfig = `auth:\n  htpasswd:\n    realm: ${yaml('test-registry')}\n    path: ${yaml(htpasswdFile)}\n`;
        users = auth.users;
        pushCredentials = auth.users[0];
    }
    else if (auth.mode === 'token') {
        const service = auth.service ?? 'test-registry';
        const issuerName = 'test-token-issuer';
        const signing = await (0, tls_1.createSigningCertificate)(path.join(dir, 'signing'), issuerName);
        tokenIssuer = await (0, token_issuer_1.startTokenIssuer)({
            tls: { cert: certificates.cert, key: certificates.key },
            signing,
            service,
            issuer: issuerName,
            users: auth.users,
            anonymousGrants: auth.anonymousGrants,
            tokenTtlSeconds: auth.tokenTtlSeconds,
            override: auth.override,
        });
        authConfig =
            `auth:\n  token:\n    realm: ${yaml(tokenIssuer.realmUrl)}\n    service: ${yaml(service)}\n` +
                `    issuer: ${yaml(issuerName)}\n    rootcertbundle: ${yaml(signing.cert)}\n`;
        users = auth.users;
        const pusher = auth.users.find((user) => user.grants.some((grant) => grant.repository === '*' && grant.actions.some((a) => a === 'push' || a === '*')));
        pushCredentials = pusher && { username: pusher.username, password: pusher.password };
    }
    const certificatesCa = await node_fs_1.promises.readFile(certificates.caCert, 'utf8');
    let server;
    try {
        server = await (0, child_process_1.startManagedServer)({
            name: `docker-registry (${name})`,
            isReady: async (port) => (await (0, https_request_1.httpsRequest)(`https://127.0.0.1:${port}/v2/`, { ca: certificatesCa, timeoutMs: 2_000 })).status > 0,
            processFor: async (port) => {
                await node_fs_1.promises.writeFile(configFile, registryConfig(port, storageDir, certificates, authConfig));
                return { command: executable, args: ['serve', configFile], logFile, env: registryEnv(), ledger: options.ledger };
            },
        });
    }
    catch (error) {
        await tokenIssuer?.stop();
        throw error;
    }
    const stopServer = () => server.stop({ signal: 'SIGTERM', timeoutMs: 5_000 });
    return {
        name,
        mode: auth.mode,
        host: `127.0.0.1:${server.port}`,
        url: `https://127.0.0.1:${server.port}`,
        port: server.port,
        caFile: certificates.caCert,
        logFile,
        users,
        pushCredentials,
        tokenIssuer,
        pid: server.pid,
        stopServer,
        startServer: server.start,
        async stop() {
            await stopServer();
            await tokenIssuer?.stop();
        },
    };
}
function registryConfig(port, storageDir, certificates, authConfig) {
    return `version: 0.1
log:
  level: error
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${yaml(storageDir)}
  delete:
    enabled: true
  redirect:
    disable: true
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${yaml(`127.0.0.1:${port}`)}
  secret: ${yaml((0, node_crypto_1.randomBytes)(16).toString('hex'))}
  tls:
    certificate: ${yaml(certificates.cert)}
    key: ${yaml(certificates.key)}
  headers:
    X-Content-Type-Options: [nosniff]
${authConfig}`;
}
function registryEnv() {
    return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('REGISTRY_')));
}
function yaml(value) {
    return JSON.stringify(value);
}
