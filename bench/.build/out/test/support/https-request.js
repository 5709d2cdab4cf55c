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
exports.httpsRequest = httpsRequest;
exports.basicAuthorization = basicAuthorization;
exports.parseAuthenticateHeader = parseAuthenticateHeader;
const node_fs_1 = require("node:fs");
const http = __importStar(require("node:http"));
const https = __importStar(require("node:https"));
const caByFile = new Map();
function httpsRequest(url, request = {}) {
    const target = typeof url === 'string' ? new URL(url) : url;
    let ca = request.ca;
    if (!ca && request.caFile) {
        ca = caByFile.get(request.caFile) ?? (0, node_fs_1.readFileSync)(request.caFile, 'utf8');
        caByFile.set(request.caFile, ca);
    }
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const headers = { ...request.headers };
    if (body)
        headers['content-length'] = String(body.length);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
        const req = transport.request(target, {
            method: request.method ?? 'GET',
            headers,
            agent: request.agent ?? false,
            ...(target.protocol === 'https:' ? { ca } : {}),
        }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.once('error', reject);
            res.once('end', () => {
                const buffer = Buffer.concat(chunks);
                resolve({
                    status: res.statusCode ?? 0,
                    headers: res.headers,
                    body: buffer,
                    text: () => buffer.toString('utf8'),
                    json: () => JSON.parse(buffer.toString('utf8')),
                });
            });
        });
        req.setTimeout(request.timeoutMs ?? 15_000, () => req.destroy(new Error(`${request.method ?? 'GET'} ${target} timed out`)));
        req.once('error', reject);
        req.end(body);
    });
}
function basicAuthorization(username, password) {
    return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
function parseAuthenticateHeader(header) {
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const params = {};
    const pattern = /([A-Za-z_]+)="((?:[^"\\]|\\.)*)"/g;
    for (const match of header.slice(space + 1).matchAll(pattern))
        params[match[1]] = match[2].replace(/\\(.)/g, '$1');
    return { scheme, params };
}
