"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registryClientProvider = void 0;
const node_fs_1 = require("node:fs");
const config_1 = require("../../../../libs/config/src");
const oci_1 = require("../../../../libs/oci/src");
exports.registryClientProvider = {
    provide: oci_1.RegistryClient,
    inject: [config_1.APP_CONFIG],
    useFactory: (config) => new oci_1.RegistryClient({
        egress: {
            allowedPrivateHosts: config.registry.allowedPrivateHosts,
            insecureHosts: config.registry.insecureHosts,
        },
        caPem: config.registry.caFile ? readCaFile(config.registry.caFile) : undefined,
        timeouts: {
            connectTimeoutMs: config.registry.connectTimeoutMs,
            headersTimeoutMs: config.registry.requestTimeoutMs,
            totalTimeoutMs: config.registry.totalTimeoutMs,
        },
        maxSocketsPerHost: Math.max(16, config.validation.concurrency),
    }),
};
function readCaFile(file) {
    try {
        return (0, node_fs_1.readFileSync)(file, 'utf8');
    }
    catch (error) {
        throw new config_1.ConfigError('REGISTRY_CA_FILE', `could not be read: ${error.message}`);
    }
}
//# sourceMappingURL=registry-client.provider.js.map