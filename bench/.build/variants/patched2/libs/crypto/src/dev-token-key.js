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
exports.loadOrCreateDevKey = loadOrCreateDevKey;
const node_crypto_1 = require("node:crypto");
const promises_1 = require("node:fs/promises");
const path = __importStar(require("node:path"));
async function loadOrCreateDevKey(dataDir) {
    const file = path.join(dataDir, 'dev-token-key.json');
    try {
        const { id, key } = JSON.parse(await (0, promises_1.readFile)(file, 'utf8'));
        return { id, key: Buffer.from(key, 'base64') };
    }
    catch {
    }
    await (0, promises_1.mkdir)(dataDir, { recursive: true, mode: 0o700 });
    const created = { id: 'dev-1', key: (0, node_crypto_1.randomBytes)(32).toString('base64') };
    const temporary = `${file}.${process.pid}.tmp`;
    await (0, promises_1.writeFile)(temporary, JSON.stringify(created), { mode: 0o600 });
    try {
        await (0, promises_1.link)(temporary, file);
    }
    catch {
        return loadOrCreateDevKey(dataDir);
    }
    finally {
        await (0, promises_1.unlink)(temporary);
    }
    return { id: created.id, key: Buffer.from(created.key, 'base64') };
}
//# sourceMappingURL=dev-token-key.js.map