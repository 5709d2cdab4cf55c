"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConfigError = void 0;
exports.optionalString = optionalString;
exports.requiredString = requiredString;
exports.integer = integer;
exports.oneOf = oneOf;
exports.boolean = boolean;
exports.duration = duration;
exports.list = list;
exports.url = url;
exports.hostPortList = hostPortList;
class ConfigError extends Error {
    variable;
    constructor(variable, detail) {
        super(`Invalid configuration: ${variable} ${detail}`);
        this.variable = variable;
        this.name = 'ConfigError';
    }
}
exports.ConfigError = ConfigError;
function optionalString(env, name) {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
}
function requiredString(env, name) {
    const value = optionalString(env, name);
    if (value === undefined)
        throw new ConfigError(name, 'is required but not set');
    return value;
}
function integer(env, name, fallback, min, max) {
    const raw = optionalString(env, name);
    if (raw === undefined)
        return fallback;
    if (!/^-?\d+$/.test(raw))
        throw new ConfigError(name, `must be a whole number, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max)
        throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
    return value;
}
function oneOf(env, name, allowed, fallback) {
    const raw = optionalString(env, name);
    if (raw === undefined)
        return fallback;
    if (!allowed.includes(raw)) {
        throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw;
}
function boolean(env, name, fallback) {
    const raw = optionalString(env, name)?.toLowerCase();
    if (raw === undefined)
        return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw))
        return true;
    if (['0', 'false', 'no', 'off'].includes(raw))
        return false;
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
}
const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
function duration(env, name, fallbackMs, minMs, maxMs) {
    const raw = optionalString(env, name);
    if (raw === undefined)
        return fallbackMs;
    const match = /^(\d+)(ms|s|m|h|d)?$/.exec(raw);
    if (!match)
        throw new ConfigError(name, `must be a duration such as 30s, 15m or 24h, got "${raw}"`);
    const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's'];
    if (ms < minMs || ms > maxMs) {
        throw new ConfigError(name, `must be between ${minMs / 1000}s and ${maxMs / 1000}s, got "${raw}"`);
    }
    return ms;
}
function list(env, name) {
    const raw = optionalString(env, name);
    if (raw === undefined)
        return [];
    return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
}
function url(env, name, protocols) {
    const raw = optionalString(env, name);
    if (raw === undefined)
        return undefined;
    let parsed;
    try {
        parsed = new URL(raw);
    }
    catch {
        throw new ConfigError(name, 'must be a URL');
    }
    if (!protocols.includes(parsed.protocol)) {
        throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
    }
    return raw;
}
function hostPortList(env, name) {
    const entries = list(env, name);
    for (const entry of entries) {
        if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(entry)) {
            throw new ConfigError(name, `entries must be host:port, got "${entry}"`);
        }
    }
    return entries.map((entry) => entry.toLowerCase());
}
//# sourceMappingURL=env-parsers.js.map