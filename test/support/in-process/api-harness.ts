/**
 * The one place where suites create the API in-process (`startApi`): the real Nest app on
 * Fastify over real Postgres and Redis, driven through supertest.
 */
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Pool } from 'pg';
import { AppConfig, loadConfig } from '@app/config';
import { createLogger } from '@app/common';
import { createApiApp } from '../../../apps/api/src/create-api-app';
import { watchResponses } from '../contract/response-contract';
import { productDatabaseEnv } from '../database-route';
import { createIdentityProvider, TestIdentityProvider } from '../identity-provider';
import { migrateDatabase } from '../isolated-stores';
import { testEncryptionKeys } from '../product-env';
import { LogCapture } from './log-capture';

export interface ApiHarness {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  config: AppConfig;
  logs: LogCapture;
  idp: TestIdentityProvider;
  db: Pool;
  /** Every route Fastify registered (method lower-case, Fastify path), for the document's route test. */
  routes: { method: string; url: string }[];
  /** An org id unique to this run, so suites sharing the database never meet. */
  newOrg(): string;
  auth(orgs: string[], sub?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real API in-process (Fastify, real Postgres and Redis from the test
 * environment) with its own identity provider and encryption key. `services.postgresUrl` is
 * the direct URL: migrations and `db` use it; the API itself goes through PgBouncer in the
 * `pgbouncer` jest project (database-route.ts).
 */
export async function startApi(services: { postgresUrl: string; redisUrl: string }, env: Record<string, string> = {}): Promise<ApiHarness> {
  await migrateDatabase(services.postgresUrl);
  const idp = await createIdentityProvider();
  const config = loadConfig('api', {
    NODE_ENV: 'test',
    ...productDatabaseEnv(services.postgresUrl),
    REDIS_URL: services.redisUrl,
    AUTH_JWKS_FILE: idp.jwksFile,
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: idp.audience,
    TOKEN_ENCRYPTION_KEYS: testEncryptionKeys(),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    REDIS_COMMAND_TIMEOUT: '1s',
    ...env,
  });
  const logs = new LogCapture();
  const app = await createApiApp(config, createLogger(config, 'api', logs));
  watchResponses(app);
  const routes: { method: string; url: string }[] = [];
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method).toLowerCase(), url: route.url });
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = new Pool({ connectionString: services.postgresUrl, max: 4 });
  return {
    app,
    http: request(app.getHttpServer()),
    routes,
    config,
    logs,
    idp,
    db,
    newOrg: () => `org-${randomUUID().slice(0, 8)}`,
    auth: async (orgs, sub) => `Bearer ${await idp.token(orgs, { sub })}`,
    close: async () => {
      await app.close();
      await db.end();
    },
  };
}
