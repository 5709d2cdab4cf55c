/**
 * The worker in-process, and API plus worker in-process over a database and Redis of their
 * own (`startSystem`), sharing one encryption key.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { AppConfig, loadConfig } from '@app/config';
import { createLogger } from '@app/common';
import { createWorkerApp } from '../../../apps/worker/src/create-worker-app';
import type { TestEnvironmentDescription } from '../environment';
import { productDatabaseEnv } from '../database-route';
import { allocateRedisDatabase, createIsolatedDatabase } from '../isolated-stores';
import { registryAccessEnv, testEncryptionKeys } from '../product-env';
import { TEMPLATES_PATH } from '../template-requests';
import { ApiHarness, startApi } from './api-harness';
import { LogCapture } from './log-capture';
import { waitUntil } from '../processes/wait-until';

export interface WorkerHarness {
  app: INestApplicationContext;
  config: AppConfig;
  logs: LogCapture;
  close(): Promise<void>;
}

export async function startWorker(env: Record<string, string>): Promise<WorkerHarness> {
  const config = loadConfig('worker', { NODE_ENV: 'test', LOG_FORMAT: 'json', WORKER_HTTP_PORT: '0', HOST: '127.0.0.1', ...env });
  const logs = new LogCapture();
  const app = await createWorkerApp(config, createLogger(config, 'worker', logs));
  return { app, config, logs, close: () => app.close() };
}

export interface SystemHarness {
  api: ApiHarness;
  worker: WorkerHarness;
  databaseUrl: string;
  redisUrl: string;
  /** Environment shared by API and worker (database, Redis, encryption key, registry access). */
  env: Record<string, string>;
  /** Polls GET until validation has finished (passed or failed); returns the template. */
  waitForFinalState(orgId: string, templateId: string, timeoutMs?: number): Promise<Record<string, any>>;
  close(): Promise<void>;
}

/** API and worker in-process over an isolated database and Redis, sharing one encryption key. */
export async function startSystem(
  env: TestEnvironmentDescription,
  overrides: { api?: Record<string, string>; worker?: Record<string, string> } = {},
): Promise<SystemHarness> {
  const databaseUrl = await createIsolatedDatabase(env);
  const redisUrl = await allocateRedisDatabase(env);
  const shared = {
    ...productDatabaseEnv(databaseUrl),
    REDIS_URL: redisUrl,
    TOKEN_ENCRYPTION_KEYS: testEncryptionKeys(),
    VALIDATION_BACKOFF: '100ms',
    ...registryAccessEnv(env),
  };
  const api = await startApi({ postgresUrl: databaseUrl, redisUrl }, { ...shared, ...overrides.api });
  const worker = await startWorker({ ...shared, ...overrides.worker });
  return {
    api,
    worker,
    databaseUrl,
    redisUrl,
    env: shared,
    waitForFinalState: (orgId, templateId, timeoutMs = 30_000) => waitForFinalState(api, orgId, templateId, timeoutMs),
    close: async () => {
      await worker.close();
      await api.close();
    },
  };
}

export async function waitForFinalState(api: ApiHarness, orgId: string, templateId: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  const auth = await api.auth([orgId]);
  let state = 'unread';
  let wrongAnswer: Error | undefined; // ends the wait at once: it is not a "not yet"
  return waitUntil(
    `template ${templateId} to finish validating`,
    async () => {
      const res = await api.http.get(`${TEMPLATES_PATH(orgId)}/${templateId}`).set('authorization', auth);
      if (res.status !== 200) {
        wrongAnswer = new Error(`GET template answered ${res.status}: ${JSON.stringify(res.body)}`);
        return undefined;
      }
      state = res.body.validation.state;
      return ['passed', 'failed'].includes(state) ? (res.body as Record<string, any>) : undefined;
    },
    { timeoutMs, intervalMs: 25, abortIf: () => wrongAnswer, lastSeen: () => `still ${state}` },
  );
}
