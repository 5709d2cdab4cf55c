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
exports.ConnectionPool = void 0;
const http = __importStar(require("node:http"));
const https = __importStar(require("node:https"));
const node_net_1 = require("node:net");
const node_tls_1 = require("node:tls");
const IDLE_SOCKET_TIMEOUT_MS = 30_000;
const MAX_POOLED_ENDPOINTS = 256;
class ConnectionPool {
    options;
    agents = new Map();
    ca;
    constructor(options) {
        this.options = options;
        this.ca = options.caPem ? (0, node_tls_1.createSecureContext)({ ca: [...node_tls_1.rootCertificates, options.caPem] }) : undefined;
    }
    agentFor(endpoint, address) {
        const key = `${endpoint.protocol}//${endpoint.display}@${address}`;
        const existing = this.agents.get(key);
        if (existing) {
            this.agents.delete(key);
            this.agents.set(key, existing);
            return existing;
        }
        const agent = this.createAgent(endpoint, address);
        this.agents.set(key, agent);
        if (this.agents.size > MAX_POOLED_ENDPOINTS) {
            const [oldestKey, oldest] = this.agents.entries().next().value;
            this.agents.delete(oldestKey);
            oldest.destroy();
        }
        return agent;
    }
    close() {
        for (const agent of this.agents.values())
            agent.destroy();
        this.agents.clear();
    }
    createAgent(endpoint, address) {
        const options = {
            keepAlive: true,
            scheduling: 'lifo',
            timeout: IDLE_SOCKET_TIMEOUT_MS,
            maxSockets: this.options.maxSocketsPerEndpoint,
            maxFreeSockets: this.options.maxSocketsPerEndpoint,
            lookup: pinnedLookup(address),
        };
        if (endpoint.protocol === 'http:')
            return new http.Agent(options);
        return new https.Agent({
            ...options,
            secureContext: this.ca,
            ...((0, node_net_1.isIP)(endpoint.hostname) ? {} : { servername: endpoint.hostname }),
        });
    }
}
exports.ConnectionPool = ConnectionPool;
function pinnedLookup(address) {
    const family = (0, node_net_1.isIP)(address);
    return ((_hostname, options, callback) => {
        if (options?.all)
            callback(null, [{ address, family }]);
        else
            callback(null, address, family);
    });
}
//# sourceMappingURL=connection-pool.js.map