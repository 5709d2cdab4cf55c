"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseImageConfig = parseImageConfig;
exports.cudaVersionOf = cudaVersionOf;
const errors_1 = require("./errors");
function parseImageConfig(body) {
    let document;
    try {
        document = JSON.parse(body.toString('utf8'));
    }
    catch {
        throw new errors_1.RegistryError('unsupported_manifest', 'The image configuration is malformed: it is not valid JSON.');
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
        throw new errors_1.RegistryError('unsupported_manifest', 'The image configuration is malformed: it is not a JSON object.');
    }
    const raw = document;
    const container = isObject(raw.config) ? raw.config : {};
    return {
        os: stringOrUndefined(raw.os),
        architecture: stringOrUndefined(raw.architecture),
        variant: stringOrUndefined(raw.variant),
        env: Array.isArray(container.Env) ? container.Env.filter((e) => typeof e === 'string') : [],
        labels: isObject(container.Labels)
            ? Object.fromEntries(Object.entries(container.Labels).filter((e) => typeof e[1] === 'string'))
            : {},
        exposedPorts: isObject(container.ExposedPorts) ? Object.keys(container.ExposedPorts) : [],
    };
}
const CUDA_VERSION = /^[0-9][0-9A-Za-z.+_-]{0,31}$/;
function cudaVersionOf(config) {
    const entry = config.env.filter((e) => e.startsWith('CUDA_VERSION=')).pop();
    const value = entry?.slice('CUDA_VERSION='.length).trim();
    return value && CUDA_VERSION.test(value) ? value : null;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function stringOrUndefined(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
//# sourceMappingURL=image-config.js.map