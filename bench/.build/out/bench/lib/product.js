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
exports.startApi = startApi;
exports.startWorker = startWorker;
exports.startBaseline = startBaseline;
const path = __importStar(require("node:path"));
const processes_1 = require("./processes");
const withFlags = (settings, options) => ({
    ...options,
    nodeFlags: [...settings.nodeFlags, ...(options.nodeFlags ?? [])],
});
function commonEnv(settings) {
    return {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        HOST: '127.0.0.1',
        DATA_DIR: settings.dataDir,
        DATABASE_URL: settings.databaseUrl,
        REDIS_URL: settings.redisUrl,
        TOKEN_ENCRYPTION_KEYS: settings.encryptionKeys,
        TEMPLATE_QUOTA_PER_ORG: '1000000',
        RATE_LIMIT_REQUESTS: '10000000',
    };
}
function startApi(layout, settings, options = {}) {
    return (0, processes_1.startNodeService)(layout, 'api', path.join(layout.productDir, 'apps/api/src/main.js'), (port) => ({
        ...commonEnv(settings),
        PORT: String(port),
        AUTH_JWKS_FILE: settings.jwksFile,
        AUTH_ISSUER: settings.issuer,
        AUTH_AUDIENCE: settings.audience,
    }), '/readyz', withFlags(settings, options));
}
function startWorker(layout, settings, concurrency, options = {}) {
    return (0, processes_1.startNodeService)(layout, `worker-c${concurrency}`, path.join(layout.productDir, 'apps/worker/src/main.js'), (port) => ({
        ...commonEnv(settings),
        WORKER_HTTP_PORT: String(port),
        VALIDATION_CONCURRENCY: String(concurrency),
        REGISTRY_ALLOWED_PRIVATE_HOSTS: settings.allowedPrivateHosts.join(','),
        REGISTRY_CA_FILE: settings.caFile,
    }), '/readyz', withFlags(settings, options));
}
function startBaseline(layout, settings, { verifyJwt }) {
    return (0, processes_1.startNodeService)(layout, verifyJwt ? 'baseline-jwt' : 'baseline', path.join(layout.benchOutDir, 'bench/baseline/fastify-pg-server.js'), (port) => ({
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: settings.databaseUrl,
        ...(verifyJwt
            ? { VERIFY_JWT: '1', AUTH_JWKS_FILE: settings.jwksFile, AUTH_ISSUER: settings.issuer, AUTH_AUDIENCE: settings.audience }
            : {}),
    }), '/healthz');
}
