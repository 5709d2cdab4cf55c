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
require("reflect-metadata");
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const node_util_1 = require("node:util");
const core_1 = require("@nestjs/core");
const config_1 = require("../../../libs/config/src");
const crypto_1 = require("../../../libs/crypto/src");
const db_1 = require("../../../libs/db/src");
const dev_token_1 = require("./dev-token");
const key_rotation_module_1 = require("./key-rotation.module");
const key_rotation_1 = require("./key-rotation");
const USAGE = `usage:
  migrate                                   apply prisma/migrations to DATABASE_URL
  token --org <id> [--org <id>…] [--sub <uuid>] [--expires 12h]
                                            print a development access token
  rotate-keys                               re-encrypt stored registry tokens under the primary key`;
function findUp(start, relative) {
    for (let dir = start;; dir = path.dirname(dir)) {
        const candidate = path.join(dir, relative);
        if ((0, node_fs_1.existsSync)(candidate))
            return candidate;
        if (path.dirname(dir) === dir)
            throw new Error(`${relative} not found above ${start}`);
    }
}
async function main(argv) {
    const [command, ...rest] = argv;
    switch (command) {
        case 'migrate': {
            const config = (0, config_1.loadConfig)('migrate');
            const migrationsDir = findUp(__dirname, 'prisma/migrations');
            const result = await (0, db_1.migrate)(config.database.url, migrationsDir, (line) => process.stdout.write(`${line}\n`));
            process.stdout.write(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already up to date\n`);
            return;
        }
        case 'token': {
            const { values } = (0, node_util_1.parseArgs)({
                args: rest,
                options: { org: { type: 'string', multiple: true }, sub: { type: 'string' }, expires: { type: 'string' } },
            });
            if (!values.org?.length)
                throw new Error(`--org is required\n${USAGE}`);
            const config = (0, config_1.loadConfig)('token');
            process.stdout.write(`${await (0, dev_token_1.issueDevToken)(config, { orgs: values.org, subject: values.sub, expiresIn: values.expires })}\n`);
            return;
        }
        case 'rotate-keys': {
            const config = (0, config_1.loadConfig)('rotate-keys');
            const app = await core_1.NestFactory.createApplicationContext(key_rotation_module_1.KeyRotationModule.forRoot(config), { logger: ['error'] });
            try {
                const report = await (0, key_rotation_1.rotateRegistryTokens)(app.get(db_1.TemplateRepository), app.get(crypto_1.RegistryTokenCipher), (line) => process.stdout.write(`${line}\n`));
                process.stdout.write(`keys:rotate: ${report.scanned} tokens scanned, ${report.reencrypted} re-encrypted, ` +
                    `${report.alreadyCurrent} already under the primary key, ${report.changedMeanwhile} changed meanwhile, ${report.failed} failed\n`);
                if (report.failed > 0)
                    process.exitCode = 1;
            }
            finally {
                await app.close();
            }
            return;
        }
        default:
            throw new Error(USAGE);
    }
}
main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
});
//# sourceMappingURL=main.js.map