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
exports.createTestCertificates = createTestCertificates;
exports.createSigningCertificate = createSigningCertificate;
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const child_process_1 = require("./child-process");
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signing_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyCertSign
subjectKeyIdentifier = hash
`;
const VALID_DAYS = '7';
async function createTestCertificates(baseDir) {
    const openssl = await (0, child_process_1.requireExecutable)('openssl', 'openssl');
    const tlsDir = path.join(baseDir, 'tls');
    const dir = path.join(tlsDir, 'ca-certs');
    await node_fs_1.promises.mkdir(dir, { recursive: true });
    const config = await writeConfig(tlsDir);
    const paths = {
        dir,
        caCert: path.join(dir, 'ca.crt'),
        caKey: path.join(tlsDir, 'ca.key'),
        cert: path.join(tlsDir, 'server.crt'),
        key: path.join(tlsDir, 'server.key'),
    };
    await (0, child_process_1.runCommand)(openssl, [
        'req', '-x509', '-config', config, '-extensions', 'ca_ext',
        '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', paths.caKey, '-out', paths.caCert, '-days', VALID_DAYS,
        '-subj', '/CN=AIRuntime Templates Test CA',
    ]);
    await (0, child_process_1.runCommand)(openssl, [
        'req', '-x509', '-config', config, '-extensions', 'server_ext',
        '-CA', paths.caCert, '-CAkey', paths.caKey,
        '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', paths.key, '-out', paths.cert, '-days', VALID_DAYS,
        '-subj', '/CN=localhost',
    ]);
    return paths;
}
async function createSigningCertificate(dir, commonName) {
    const openssl = await (0, child_process_1.requireExecutable)('openssl', 'openssl');
    await node_fs_1.promises.mkdir(dir, { recursive: true });
    const config = await writeConfig(dir);
    const result = { cert: path.join(dir, 'token-signing.crt'), key: path.join(dir, 'token-signing.key') };
    await (0, child_process_1.runCommand)(openssl, [
        'req', '-x509', '-config', config, '-extensions', 'signing_ext',
        '-newkey', 'rsa:2048', '-nodes',
        '-keyout', result.key, '-out', result.cert, '-days', VALID_DAYS,
        '-subj', `/CN=${commonName}`,
    ]);
    return result;
}
async function writeConfig(dir) {
    const file = path.join(dir, 'openssl.cnf');
    await node_fs_1.promises.writeFile(file, OPENSSL_CONFIG);
    return file;
}
