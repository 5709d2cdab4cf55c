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
exports.MigrationError = void 0;
exports.migrationChecksum = migrationChecksum;
exports.readMigrations = readMigrations;
exports.migrate = migrate;
const node_crypto_1 = require("node:crypto");
const promises_1 = require("node:fs/promises");
const path = __importStar(require("node:path"));
const pg_1 = require("pg");
const PRISMA_MIGRATE_LOCK = 72707369;
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id")
)`;
class MigrationError extends Error {
    constructor(message) {
        super(message);
        this.name = 'MigrationError';
    }
}
exports.MigrationError = MigrationError;
function migrationChecksum(script) {
    return (0, node_crypto_1.createHash)('sha256').update(script, 'utf8').digest('hex');
}
async function readMigrations(migrationsDir) {
    const entries = await (0, promises_1.readdir)(migrationsDir, { withFileTypes: true });
    const names = entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    return Promise.all(names.map(async (name) => {
        const script = await (0, promises_1.readFile)(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
        return { name, script, checksum: migrationChecksum(script) };
    }));
}
async function migrate(databaseUrl, migrationsDir, log = () => undefined) {
    const migrations = await readMigrations(migrationsDir);
    const client = new pg_1.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
        await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
        await client.query(CREATE_MIGRATIONS_TABLE);
        const { rows } = await client.query('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at');
        const result = { applied: [], alreadyApplied: [] };
        for (const migration of migrations) {
            const attempts = rows.filter((row) => row.migration_name === migration.name && row.rolled_back_at === null);
            if (attempts.some((row) => row.finished_at !== null)) {
                if (!attempts.some((row) => row.checksum === migration.checksum)) {
                    log(`warning: migration ${migration.name} was modified after it was applied (checksum differs)`);
                }
                result.alreadyApplied.push(migration.name);
                continue;
            }
            if (attempts.length > 0) {
                throw new MigrationError(`migration ${migration.name} failed earlier and was not rolled back; fix the database, then mark it ` +
                    `rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${migration.name}')`);
            }
            await applyOne(client, migration);
            log(`applied ${migration.name}`);
            result.applied.push(migration.name);
        }
        return result;
    }
    finally {
        await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
        await client.end();
    }
}
async function applyOne(client, migration) {
    const id = (0, node_crypto_1.randomUUID)();
    await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)', [id, migration.checksum, migration.name]);
    try {
        await client.query('BEGIN');
        await client.query(migration.script);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
    }
    catch (error) {
        await client.query('ROLLBACK');
        await client.query('UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1', [
            id,
            error.message,
        ]);
        throw new MigrationError(`migration ${migration.name} failed: ${error.message}`);
    }
}
//# sourceMappingURL=migrator.js.map