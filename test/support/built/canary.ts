/**
 * Canaries: a registry user whose password is a unique string, and a search for that string
 * wherever a secret must never end up (process output, responses, Redis, every table row).
 */
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import type { TestEnvironmentDescription } from '../environment';
import { redisContains } from '../redis-scan';
import { tokenIssuerAdminClient } from '../services/token-issuer';
import type { SpawnedService } from './built-service';
import { withClient } from './template-rows';

/** A token-registry user of the suite's own whose password is the canary. */
export interface CanaryUser {
  username: string;
  canary: string;
  /** The create-request fields that make a template use this user. */
  credentials: { oci_registry_username: string; oci_registry_token: string };
  /** How many registry tokens the issuer gave this user (proof the decrypted canary was used). */
  issuedTokens(): Promise<number>;
}

export async function createCanaryUser(env: TestEnvironmentDescription, suite: string): Promise<CanaryUser> {
  const admin = tokenIssuerAdminClient(env.registries.token, env.caFile);
  const username = `${suite}-${randomBytes(4).toString('hex')}`;
  const canary = `canary-${randomBytes(12).toString('base64url')}`;
  await admin.putUser({ username, password: canary, grants: [{ repository: 'gpu/*', actions: ['pull'] }] });
  return {
    username,
    canary,
    credentials: { oci_registry_username: username, oci_registry_token: canary },
    issuedTokens: async () => (await admin.requests({ account: username })).filter((record) => record.outcome === 'issued').length,
  };
}

export interface CanaryPlaces {
  services?: readonly SpawnedService[];
  responses?: readonly string[];
  redisUrls?: readonly string[];
  databaseUrls?: readonly string[];
}

/**
 * Where the canary appears: output lines of the processes, response bodies, Redis key names
 * and values, and any row of any table in the database (as text, and bytea columns read as
 * raw bytes, so a plaintext token stored in a binary column is found too). Empty when nowhere.
 */
export async function findCanary(canary: string, places: CanaryPlaces): Promise<string[]> {
  const found: string[] = [];
  for (const service of places.services ?? []) {
    service.lines.forEach((line, index) => {
      if (line.includes(canary)) found.push(`${service.name} output line ${index + 1}`);
    });
  }
  (places.responses ?? []).forEach((body, index) => {
    if (body.includes(canary)) found.push(`response ${index + 1}`);
  });
  for (const url of places.redisUrls ?? []) {
    const redis = new IORedis(url, { maxRetriesPerRequest: 1 });
    try {
      if (await redisContains(redis, canary)) found.push(`Redis ${url}`);
    } finally {
      redis.disconnect();
    }
  }
  for (const url of places.databaseUrls ?? []) {
    await withClient(url, async (db) => {
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      for (const { table_name: table } of tables.rows) {
        const rows = await db.query(`SELECT t::text AS row_text, t.* FROM "${table}" t`);
        rows.rows.forEach((row, index) => {
          const binary = Object.values(row).filter((value): value is Buffer => Buffer.isBuffer(value));
          if (String(row.row_text).includes(canary) || binary.some((value) => value.toString('latin1').includes(canary))) {
            found.push(`table ${table} row ${index + 1}`);
          }
        });
      }
    });
  }
  return found;
}
