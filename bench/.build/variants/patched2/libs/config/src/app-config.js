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
exports.loadConfig = loadConfig;
const path = __importStar(require("node:path"));
const env_parsers_1 = require("./env-parsers");
const NEEDS_DATABASE = ['api', 'worker', 'migrate', 'rotate-keys'];
const NEEDS_REDIS = ['api', 'worker'];
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
function loadConfig(role, env = process.env) {
    const nodeEnv = (0, env_parsers_1.oneOf)(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
    const devMode = nodeEnv !== 'production';
    const config = {
        nodeEnv,
        devMode,
        dataDir: path.resolve((0, env_parsers_1.optionalString)(env, 'DATA_DIR') ?? '.data'),
        http: {
            host: (0, env_parsers_1.optionalString)(env, 'HOST') ?? '0.0.0.0',
            port: (0, env_parsers_1.integer)(env, 'PORT', 3000, 0, 65535),
            bodyLimitBytes: 64 * 1024,
            trustProxy: (0, env_parsers_1.boolean)(env, 'TRUST_PROXY', false),
        },
        database: {
            url: urlFor(role, NEEDS_DATABASE, env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
            poolSize: (0, env_parsers_1.integer)(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
            connectTimeoutMs: (0, env_parsers_1.duration)(env, 'DATABASE_CONNECT_TIMEOUT', 3 * SECOND, 100, MINUTE),
            statementTimeoutMs: (0, env_parsers_1.duration)(env, 'DATABASE_STATEMENT_TIMEOUT', 5 * SECOND, 100, 10 * MINUTE),
        },
        redis: {
            url: urlFor(role, NEEDS_REDIS, env, 'REDIS_URL', ['redis:', 'rediss:']),
            commandTimeoutMs: (0, env_parsers_1.duration)(env, 'REDIS_COMMAND_TIMEOUT', 2 * SECOND, 100, MINUTE),
        },
        auth: {
            jwksUrl: (0, env_parsers_1.url)(env, 'AUTH_JWKS_URL', ['https:', 'http:']),
            jwksFile: (0, env_parsers_1.optionalString)(env, 'AUTH_JWKS_FILE'),
            issuer: (0, env_parsers_1.optionalString)(env, 'AUTH_ISSUER'),
            audience: (0, env_parsers_1.optionalString)(env, 'AUTH_AUDIENCE'),
            orgsClaim: (0, env_parsers_1.optionalString)(env, 'AUTH_ORGS_CLAIM') ?? 'orgs',
        },
        tokenEncryption: {
            rawKeys: parseRawKeys(env, 'TOKEN_ENCRYPTION_KEYS'),
            kmsKeyArn: (0, env_parsers_1.optionalString)(env, 'TOKEN_KMS_KEY_ARN'),
        },
        templates: { quotaPerOrg: (0, env_parsers_1.integer)(env, 'TEMPLATE_QUOTA_PER_ORG', 100, 1, 1_000_000) },
        rateLimit: {
            requestsPerWindow: (0, env_parsers_1.integer)(env, 'RATE_LIMIT_REQUESTS', 600, 0, 10_000_000),
            windowMs: (0, env_parsers_1.duration)(env, 'RATE_LIMIT_WINDOW', MINUTE, SECOND, HOUR),
        },
        validation: {
            concurrency: (0, env_parsers_1.integer)(env, 'VALIDATION_CONCURRENCY', 16, 1, 1024),
            attempts: (0, env_parsers_1.integer)(env, 'VALIDATION_ATTEMPTS', 5, 1, 100),
            backoffMs: (0, env_parsers_1.duration)(env, 'VALIDATION_BACKOFF', 2 * SECOND, 1, HOUR),
            sweepIntervalMs: (0, env_parsers_1.duration)(env, 'SWEEP_INTERVAL', 30 * SECOND, 100, HOUR),
            sweepMinAgeMs: (0, env_parsers_1.duration)(env, 'SWEEP_MIN_AGE', 30 * SECOND, 0, DAY),
            stalledIntervalMs: (0, env_parsers_1.duration)(env, 'VALIDATION_STALLED_INTERVAL', 30 * SECOND, 500, HOUR),
            revalidateIntervalMs: (0, env_parsers_1.duration)(env, 'REVALIDATE_INTERVAL', DAY, MINUTE, 365 * DAY),
        },
        worker: { httpPort: (0, env_parsers_1.integer)(env, 'WORKER_HTTP_PORT', 3001, 0, 65535) },
        registry: {
            insecureHosts: (0, env_parsers_1.hostPortList)(env, 'REGISTRY_INSECURE_HOSTS'),
            allowedPrivateHosts: (0, env_parsers_1.hostPortList)(env, 'REGISTRY_ALLOWED_PRIVATE_HOSTS'),
            caFile: (0, env_parsers_1.optionalString)(env, 'REGISTRY_CA_FILE'),
            connectTimeoutMs: (0, env_parsers_1.duration)(env, 'REGISTRY_CONNECT_TIMEOUT', 5 * SECOND, 100, MINUTE),
            requestTimeoutMs: (0, env_parsers_1.duration)(env, 'REGISTRY_REQUEST_TIMEOUT', 15 * SECOND, 100, 10 * MINUTE),
            totalTimeoutMs: (0, env_parsers_1.duration)(env, 'REGISTRY_VALIDATION_TIMEOUT', 60 * SECOND, SECOND, 30 * MINUTE),
        },
        log: {
            level: (0, env_parsers_1.oneOf)(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
            pretty: logPretty(env, nodeEnv),
        },
    };
    checkProductionRequirements(role, config);
    return config;
}
function urlFor(role, roles, env, name, protocols) {
    if (roles.includes(role))
        (0, env_parsers_1.requiredString)(env, name);
    return (0, env_parsers_1.url)(env, name, protocols) ?? '';
}
function parseRawKeys(env, name) {
    const keys = (0, env_parsers_1.list)(env, name).map((entry, index) => {
        const separator = entry.indexOf(':');
        const id = separator > 0 ? entry.slice(0, separator) : '';
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
            throw new env_parsers_1.ConfigError(name, `entry ${index + 1} must look like keyId:base64key (keyId of letters, digits, . _ -)`);
        }
        const encoded = entry.slice(separator + 1);
        const key = Buffer.from(encoded, 'base64');
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== 32) {
            throw new env_parsers_1.ConfigError(name, `key "${id}" must be 32 bytes encoded as base64 (openssl rand -base64 32)`);
        }
        return { id, key };
    });
    const ids = new Set(keys.map((k) => k.id));
    if (ids.size !== keys.length)
        throw new env_parsers_1.ConfigError(name, 'key ids must be unique');
    return keys;
}
function logPretty(env, nodeEnv) {
    const format = (0, env_parsers_1.oneOf)(env, 'LOG_FORMAT', ['json', 'pretty', 'auto'], 'auto');
    if (format !== 'auto')
        return format === 'pretty';
    return nodeEnv === 'development' && Boolean(process.stdout.isTTY);
}
function checkProductionRequirements(role, config) {
    if (config.devMode)
        return;
    if (role === 'api' && !config.auth.jwksUrl && !config.auth.jwksFile) {
        throw new env_parsers_1.ConfigError('AUTH_JWKS_URL', 'or AUTH_JWKS_FILE must be set when NODE_ENV=production');
    }
    const { rawKeys, kmsKeyArn } = config.tokenEncryption;
    if ((role === 'api' || role === 'worker' || role === 'rotate-keys') && rawKeys.length === 0 && !kmsKeyArn) {
        throw new env_parsers_1.ConfigError('TOKEN_ENCRYPTION_KEYS', 'or TOKEN_KMS_KEY_ARN must be set when NODE_ENV=production');
    }
}
//# sourceMappingURL=app-config.js.map