"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseRegistryErrors = parseRegistryErrors;
exports.parseRetryAfter = parseRetryAfter;
exports.registryDetail = registryDetail;
exports.transientError = transientError;
exports.headerValue = headerValue;
exports.registryErrorFor = registryErrorFor;
exports.pingErrorFor = pingErrorFor;
const errors_1 = require("./errors");
const registry_hints_1 = require("./registry-hints");
const MAX_ERROR_ENTRIES = 10;
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
function parseRegistryErrors(body) {
    let document;
    try {
        document = JSON.parse(body.toString('utf8'));
    }
    catch {
        return [];
    }
    const errors = document?.errors;
    if (!Array.isArray(errors))
        return [];
    return errors.slice(0, MAX_ERROR_ENTRIES).map((entry) => {
        const raw = (typeof entry === 'object' && entry !== null ? entry : {});
        return {
            code: typeof raw.code === 'string' ? raw.code.toUpperCase() : undefined,
            message: typeof raw.message === 'string' ? raw.message : undefined,
        };
    });
}
function parseRetryAfter(value, now) {
    if (value === undefined)
        return undefined;
    const text = value.trim();
    let ms;
    if (/^[0-9]+$/.test(text)) {
        ms = Number(text) * 1000;
    }
    else {
        const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
        if (Number.isNaN(date))
            return undefined;
        ms = Math.max(0, date - now);
    }
    return Math.min(ms, MAX_RETRY_AFTER_MS);
}
function registryDetail(entries, secrets) {
    const first = entries[0];
    if (!first?.code && !first?.message)
        return undefined;
    return (0, errors_1.sanitizeRegistryMessage)([first.code, first.message].filter(Boolean).join(': '), secrets);
}
function transientError(response, host, now) {
    const { status } = response;
    const retryAfterMs = parseRetryAfter(headerValue(response, 'retry-after'), now);
    if (status === 429) {
        return new errors_1.RegistryError('rate_limited', `The registry at ${host} is rate-limiting requests (HTTP 429). The check will be retried later; registry credentials often raise the limit.`, { retryable: true, retryAfterMs });
    }
    if (status === 408 || status >= 500) {
        return new errors_1.RegistryError('registry_unreachable', `The registry at ${host} is temporarily unavailable (HTTP ${status}). The check will be retried.`, { retryable: true, retryAfterMs });
    }
    return undefined;
}
function headerValue(response, name) {
    const value = response.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
function registryErrorFor(response, target, context) {
    const host = response.url.host;
    const transient = transientError(response, host, context.now);
    if (transient)
        return transient;
    const entries = parseRegistryErrors(response.body);
    const detail = registryDetail(entries, context.secrets);
    const said = detail ? ` The registry said: "${detail}".` : '';
    const { status } = response;
    if (status === 401) {
        if (!context.hasCredentials) {
            return new errors_1.RegistryError('access_denied', `${context.registry} requires credentials to pull ${context.repository} (or the repository does not exist). Add a registry username and token to the template.`);
        }
        if (!context.credentialsAccepted) {
            return new errors_1.RegistryError('invalid_credentials', `${context.registry} rejected the registry username or token. ${(0, registry_hints_1.credentialHint)(context.hintHost)}`);
        }
        return new errors_1.RegistryError('access_denied', `${context.registry} accepted the credentials but denied pulling ${context.repository}: the repository does not exist or the token cannot read it.${said} ${(0, registry_hints_1.credentialHint)(context.hintHost)}`);
    }
    if (status === 403) {
        const who = context.hasCredentials ? 'these credentials' : 'anonymous access';
        const hint = context.hasCredentials ? ` ${(0, registry_hints_1.credentialHint)(context.hintHost)}` : ' Add a registry username and token to the template.';
        return new errors_1.RegistryError('access_denied', `${context.registry} denied ${who} to ${context.repository}.${said}${hint}`);
    }
    if (status === 404) {
        if (entries.some((e) => e.code === 'NAME_UNKNOWN')) {
            return new errors_1.RegistryError('repository_not_found', `Repository ${context.repository} was not found on ${context.registry}.`);
        }
        if (target.kind === 'manifest') {
            return new errors_1.RegistryError('manifest_not_found', `${target.description} was not found in ${context.repository}.`);
        }
        if (target.kind === 'blob') {
            return new errors_1.RegistryError('registry_error', `${target.description} is missing from ${context.repository}; push the image again.`);
        }
    }
    const service = target.kind === 'token' ? `The token service at ${host}` : `The registry at ${host}`;
    return new errors_1.RegistryError('registry_error', `${service} answered HTTP ${status}.${said}`);
}
function pingErrorFor(response, now) {
    const host = response.url.host;
    const transient = transientError(response, host, now);
    if (transient)
        return transient;
    if (response.status === 404) {
        return new errors_1.RegistryError('registry_error', `${host} does not serve the OCI distribution API (no /v2/ endpoint). Check the registry host.`);
    }
    return new errors_1.RegistryError('registry_error', `The registry at ${host} answered HTTP ${response.status} to the API version check (/v2/).`);
}
//# sourceMappingURL=registry-response.js.map