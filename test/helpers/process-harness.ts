/**
 * The built API and worker (dist/) as real child processes, for the fault-injection suites
 * (test/faults): a shared environment, every output line kept (for canary checks and for
 * counting what each process did), a wait on /readyz with a deadline, and stops by SIGTERM
 * or SIGKILL. Also: a registry proxy that holds manifest requests until the test releases
 * them, polls of template rows, what the workers logged and counted, a canary search over
 * outputs, responses, Redis and rows, and `startFaultSandbox()`, which puts all of it together
 * over a Redis (and optionally a Postgres) of the suite's own.
 *
 * `npm test` builds dist/ first (scripts/build-if-stale.sh); when running a suite by hand,
 * run that script yourself.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { migrate } from '@app/db';
import type { TestEnvironmentDescription } from '../support/environment';
import { ExitStatus, findFreePort, stopChild, waitUntil } from '../support/child-process';
import { PostgresInstance, startPostgres } from '../support/postgres';
import { RedisInstance, startRedis } from '../support/redis';
import { tokenIssuerAdminClient } from '../support/token-issuer';
import { MIGRATIONS_DIR, TEMPLATES_PATH, testEncryptionKeys } from './api-harness';
import { createIdentityProvider, TestIdentityProvider } from './auth-keys';
import { redisContains } from './redis-scan';
import { createIsolatedDatabase, registryAccessEnv } from './system-harness';

const REPO_ROOT = path.resolve(__dirname, '../..');
export const BUILT_MAIN = {
  api: path.join(REPO_ROOT, 'dist/apps/api/src/main.js'),
  worker: path.join(REPO_ROOT, 'dist/apps/worker/src/main.js'),
} as const;

export type ServiceRole = keyof typeof BUILT_MAIN;
export type LogRecord = Record<string, unknown>;

/** One built process (API or worker) running as a child of the test. */
export interface SpawnedService {
  readonly role: ServiceRole;
  /** e.g. `worker-2`: unique within its ProcessSystem, used in diagnostics. */
  readonly name: string;
  readonly pid: number;
  /** The HTTP port: PORT for the API, WORKER_HTTP_PORT for the worker. */
  readonly port: number;
  readonly url: string;
  /** Every stdout and stderr line so far (kept after the process exited). */
  readonly lines: readonly string[];
  /** Resolves (never rejects) when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /** The JSON (pino) lines parsed; other lines are left out. */
  logs(): LogRecord[];
  waitForLog(description: string, match: (record: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<ExitStatus>;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the jest worker exits without afterAll (a crash, a bail), take the children with it. */
function killChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

interface SpawnOptions {
  role: ServiceRole;
  name: string;
  /** The complete environment of the child (nothing is inherited). */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * Spawns a built process on a free port and waits until its /readyz answers 200 (Postgres
 * and Redis reachable). If the port was taken in between, it retries on another one.
 */
export async function spawnService(options: SpawnOptions): Promise<SpawnedService> {
  if (!existsSync(BUILT_MAIN[options.role])) {
    throw new Error(`${BUILT_MAIN[options.role]} is missing: run \`bash scripts/build-if-stale.sh\` (npm test does)`);
  }
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const service = launch(options, port);
    try {
      await waitUntil(`${service.name} /readyz on port ${port}`, () => answers200(`${service.url}/readyz`), {
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        intervalMs: 50,
        abortIf: () =>
          service.isRunning()
            ? undefined
            : new Error(`${service.name} exited before it was ready:\n${service.lines.slice(-20).join('\n')}`),
      });
      return service;
    } catch (error) {
      await service.stop({ signal: 'SIGKILL' });
      if (attempt < 3 && service.lines.some((line) => line.includes('EADDRINUSE'))) continue;
      throw error;
    }
  }
}

function launch(options: SpawnOptions, port: number): SpawnedService {
  killChildrenOnExit();
  const portVariable = options.role === 'api' ? 'PORT' : 'WORKER_HTTP_PORT';
  const child = spawn(process.execPath, [BUILT_MAIN[options.role]], {
    cwd: REPO_ROOT,
    env: { ...options.env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  let running = true;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('error', (error) => {
      running = false;
      liveChildren.delete(child);
      resolve({ code: null, signal: null, error });
    });
    // 'close' (not 'exit'): by then stdout and stderr are drained, so `lines` is complete.
    child.once('close', (code, signal) => {
      running = false;
      liveChildren.delete(child);
      resolve({ code, signal });
    });
  });
  const logs = (): LogRecord[] => lines.flatMap((line) => parseJsonLine(line));
  return {
    role: options.role,
    name: options.name,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    exited,
    isRunning: () => running,
    logs,
    waitForLog: (description, match, timeoutMs = 30_000) =>
      waitUntil(`${options.name} to log ${description}`, async () => logs().find(match), { timeoutMs, intervalMs: 25 }),
    async stop({ signal = 'SIGTERM', timeoutMs = 15_000 } = {}) {
      if (!running) return exited;
      return stopChild(child, exited, signal, timeoutMs);
    },
  };
}

function parseJsonLine(line: string): LogRecord[] {
  if (!line.startsWith('{')) return [];
  try {
    return [JSON.parse(line) as LogRecord];
  } catch {
    return [];
  }
}

async function answers200(url: string): Promise<boolean> {
  const res = await httpRequest('GET', url, { timeoutMs: 3_000 });
  return res.status === 200;
}

export interface HttpAnswer {
  status: number;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: any;
  headers: Headers;
}

/** One HTTP request with a deadline (a hung server fails the request, not the whole suite). */
export async function httpRequest(
  method: string,
  url: string,
  { headers = {}, body, timeoutMs = 10_000 }: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed, headers: res.headers };
}

/** The API process's templates endpoints, as an org member; keeps every response body it saw. */
export class TemplatesApiClient {
  /** Every response body, for canary checks. */
  readonly responses: string[] = [];
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly idp: TestIdentityProvider,
  ) {}

  create(orgId: string, body: Record<string, unknown>): Promise<HttpAnswer> {
    return this.call(orgId, 'POST', TEMPLATES_PATH(orgId), body);
  }
  get(orgId: string, templateId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'GET', `${TEMPLATES_PATH(orgId)}/${templateId}`);
  }
  list(orgId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'GET', TEMPLATES_PATH(orgId));
  }
  delete(orgId: string, templateId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'DELETE', `${TEMPLATES_PATH(orgId)}/${templateId}`);
  }

  private async call(orgId: string, method: string, route: string, body?: unknown): Promise<HttpAnswer> {
    let token = this.tokens.get(orgId);
    if (!token) {
      token = await this.idp.token([orgId]);
      this.tokens.set(orgId, token);
    }
    const answer = await httpRequest(method, `${this.baseUrl()}${route}`, { headers: { authorization: `Bearer ${token}` }, body });
    this.responses.push(answer.text);
    return answer;
  }
}

export interface ProcessSystemOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Added to (and overriding) the environment of every process. */
  env?: Record<string, string>;
}

/**
 * API and worker processes over one database and Redis, sharing an encryption key and an
 * identity provider. Every process it started is stopped by `close()`.
 */
export interface ProcessSystem {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly idp: TestIdentityProvider;
  /** The environment every process gets (before per-process overrides and the port). */
  readonly env: Readonly<Record<string, string>>;
  /** Talks to the most recently started API process. */
  readonly api: TemplatesApiClient;
  /** Every process started so far, running or not. */
  readonly services: readonly SpawnedService[];
  startApi(env?: Record<string, string>): Promise<SpawnedService>;
  startWorker(env?: Record<string, string>): Promise<SpawnedService>;
  /** SIGKILLs whatever is still running (a test that wants a graceful stop does it itself). */
  stopAll(): Promise<void>;
  close(): Promise<void>;
}

export async function createProcessSystem(env: TestEnvironmentDescription, options: ProcessSystemOptions): Promise<ProcessSystem> {
  const idp = await createIdentityProvider();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'airt-processes-'));
  const shared: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    TOKEN_ENCRYPTION_KEYS: testEncryptionKeys(),
    AUTH_JWKS_FILE: idp.jwksFile,
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: idp.audience,
    VALIDATION_BACKOFF: '100ms',
    // Suites share two cores with other suites' Postgres load: a new connection can take seconds.
    DATABASE_CONNECT_TIMEOUT: '10s',
    ...registryAccessEnv(env),
    ...options.env,
  };
  const services: SpawnedService[] = [];
  let latestApi: SpawnedService | undefined;
  const counters = { api: 0, worker: 0 };
  const start = async (role: ServiceRole, extra: Record<string, string>): Promise<SpawnedService> => {
    const service = await spawnService({ role, name: `${role}-${++counters[role]}`, env: { ...shared, ...extra } });
    services.push(service);
    return service;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(services.map((service) => service.stop({ signal: 'SIGKILL' })));
  };
  return {
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    idp,
    env: shared,
    api: new TemplatesApiClient(() => {
      if (!latestApi) throw new Error('no API process started');
      return latestApi.url;
    }, idp),
    services,
    startApi: async (extra = {}) => (latestApi = await start('api', extra)),
    startWorker: (extra = {}) => start('worker', extra),
    stopAll,
    close: async () => {
      await stopAll();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(path.dirname(idp.jwksFile), { recursive: true, force: true });
    },
  };
}

// ---- what the worker did, from its log lines and metrics --------------------------------

/** A `validation finished` or `validation skipped` log line of a worker. */
export interface ValidationEvent {
  service: string;
  templateId: string;
  outcome: string;
  reason?: string;
  code?: string | null;
}

export function validationEvents(services: readonly SpawnedService[], templateId?: string): ValidationEvent[] {
  return services.flatMap((service) =>
    service
      .logs()
      .filter((record) => record.msg === 'validation finished' || record.msg === 'validation skipped')
      .filter((record) => templateId === undefined || record.templateId === templateId)
      .map((record) => ({
        service: service.name,
        templateId: String(record.templateId),
        outcome: String(record.outcome),
        ...(record.reason === undefined ? {} : { reason: String(record.reason) }),
        ...(record.code === undefined ? {} : { code: record.code as string | null }),
      })),
  );
}

/** How many times each template was reported `passed`, over all these processes. */
export function passedCounts(services: readonly SpawnedService[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of validationEvents(services)) {
    if (event.outcome === 'passed') counts.set(event.templateId, (counts.get(event.templateId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Log lines at error level (pino 50) or above, from line `fromLine` on (e.g. the length of
 * `lines` when a test began), except access-log lines (`request`): a 5xx answer is logged at
 * error level, and a test asserts statuses itself (/readyz answers 503 while a process boots).
 */
export function errorLines(service: SpawnedService, fromLine = 0): LogRecord[] {
  return service.lines
    .slice(fromLine)
    .flatMap((line) => parseJsonLine(line))
    .filter((record) => typeof record.level === 'number' && record.level >= 50 && record.msg !== 'request');
}

/** Sum of a Prometheus metric's series whose labels include `labels`, from /metrics. */
export async function metricValue(service: SpawnedService, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await httpRequest('GET', `${service.url}/metrics`);
  if (res.status !== 200) throw new Error(`${service.name} /metrics answered ${res.status}`);
  let sum = 0;
  for (const line of res.text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) sum += Number(match[3]);
  }
  return sum;
}

// ---- template rows ------------------------------------------------------------------------

export interface TemplateRowState {
  id: string;
  status: 'Active' | 'Inactive';
  validation_state: 'pending' | 'running' | 'passed' | 'failed';
  validation_attempts: number;
  validation_error: { code: string } | null;
}

/** Reads the rows straight from Postgres (works while the API is down); a missing id is absent. */
export async function readTemplateStates(databaseUrl: string, ids: readonly string[]): Promise<Map<string, TemplateRowState>> {
  const rows = await withClient(databaseUrl, (db) =>
    db.query<TemplateRowState>(
      `SELECT id, status, validation_state, validation_attempts, validation_error FROM templates WHERE id = ANY($1::uuid[])`,
      [ids],
    ),
  );
  return new Map(rows.rows.map((row) => [row.id, row]));
}

/**
 * Polls until every template has a final validation state (passed or failed), with a
 * deadline; the error names the ones still unfinished (or missing). With `loggedBy`, it also
 * waits until those workers' `validation finished` lines for them have reached the test: a
 * worker writes the row first and logs just after, through a pipe.
 */
export async function waitForFinalStates(
  databaseUrl: string,
  ids: readonly string[],
  { timeoutMs = 30_000, loggedBy }: { timeoutMs?: number; loggedBy?: readonly SpawnedService[] } = {},
): Promise<TemplateRowState[]> {
  let last = new Map<string, TemplateRowState>();
  let rows: TemplateRowState[];
  try {
    rows = await waitUntil(
      `${ids.length} templates to finish validation`,
      async () => {
        last = await readTemplateStates(databaseUrl, ids);
        const final = ids.map((id) => last.get(id)).filter((row) => row && ['passed', 'failed'].includes(row.validation_state));
        return final.length === ids.length ? (final as TemplateRowState[]) : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    const unfinished = ids.filter((id) => !['passed', 'failed'].includes(last.get(id)?.validation_state ?? 'missing'));
    const detail = unfinished.map((id) => `${id}: ${last.get(id)?.validation_state ?? 'missing'}`).join(', ');
    throw new Error(`${(error as Error).message}; unfinished: ${detail}`);
  }
  if (loggedBy) {
    const logged = () =>
      new Set(
        validationEvents(loggedBy)
          .filter((event) => event.outcome === 'passed' || event.outcome === 'failed')
          .map((event) => event.templateId),
      );
    await waitUntil(`the outcome of ${ids.length} template(s) in the worker logs`, async () => ids.every((id) => logged().has(id)), {
      timeoutMs: 10_000,
      intervalMs: 25,
    });
  }
  return rows;
}

export async function withClient<T>(databaseUrl: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  db.on('error', () => undefined); // a server going away mid-poll surfaces as the query's rejection
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

// ---- canary search ------------------------------------------------------------------------

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

// ---- a registry proxy that holds manifest requests ----------------------------------------

/**
 * A plain-HTTP reverse proxy in front of one of the test registries (real content, real auth:
 * the client fetches its bearer token from the registry's realm itself). After hold(), manifest
 * requests are held until release(), so a test can keep a validation in flight for as long
 * as it needs and let the registry answer when it chooses. List `host` in REGISTRY_INSECURE_HOSTS and
 * REGISTRY_ALLOWED_PRIVATE_HOSTS (`accessEnv()`).
 */
export interface GatedRegistryProxy {
  /** `127.0.0.1:PORT`: use it as the registry part of image references. */
  readonly host: string;
  /** Paths of the manifest requests received so far, held ones included, in order. */
  readonly manifestRequests: readonly string[];
  /** How many manifest requests are being held right now. */
  heldCount(): number;
  /** Waits until at least `count` manifest requests have arrived. */
  waitForManifestRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Holds manifest requests from now on (the gate starts open). */
  hold(): void;
  /** Lets the held requests go and every later one through, until the next hold(). */
  release(): void;
  /** Environment for the worker: plain HTTP to this host, allowed although it is loopback. */
  accessEnv(env: TestEnvironmentDescription): Record<string, string>;
  close(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export async function startGatedRegistryProxy(upstream: { url: string }, caFile: string): Promise<GatedRegistryProxy> {
  const upstreamAgent = new https.Agent({ ca: readFileSync(caFile), keepAlive: true });
  const manifestRequests: string[] = [];
  let held = 0;
  let gate = openableGate();
  gate.open();
  const sockets = new Set<Socket>();

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void => {
    if (res.destroyed) return; // the client went away while held (e.g. the worker was killed)
    const target = new URL(req.url ?? '/', upstream.url);
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
    for (const name of HOP_BY_HOP) delete headers[name];
    const out = https.request(target, { method: req.method, headers, agent: upstreamAgent }, (answer) => {
      const answerHeaders = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete answerHeaders[name];
      res.writeHead(answer.statusCode ?? 502, answerHeaders);
      answer.pipe(res);
      res.once('close', () => answer.destroy());
    });
    out.once('error', () => res.destroy());
    out.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      if (!/\/manifests\//.test(req.url ?? '')) return forward(req, res, body);
      manifestRequests.push(req.url ?? '');
      held++;
      void gate.opened.then(() => {
        held--;
        forward(req, res, body);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    host,
    manifestRequests,
    heldCount: () => held,
    waitForManifestRequests: async (count, timeoutMs = 30_000) => {
      await waitUntil(`${count} manifest request(s) at the registry proxy`, async () => manifestRequests.length >= count, { timeoutMs });
    },
    hold: () => {
      if (gate.isOpen()) gate = openableGate();
    },
    release: () => gate.open(),
    accessEnv: (env) => ({
      REGISTRY_INSECURE_HOSTS: host,
      REGISTRY_ALLOWED_PRIVATE_HOSTS: `${registryAccessEnv(env).REGISTRY_ALLOWED_PRIVATE_HOSTS},${host}`,
    }),
    close: async () => {
      gate.open();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      upstreamAgent.destroy();
    },
  };
}

function openableGate(): { opened: Promise<void>; open(): void; isOpen(): boolean } {
  let open!: () => void;
  let isOpen = false;
  const opened = new Promise<void>((resolve) => {
    open = () => {
      isOpen = true;
      resolve();
    };
  });
  return { opened, open, isOpen: () => isOpen };
}

// ---- a canary registry user ---------------------------------------------------------------

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

// ---- one suite's private world ------------------------------------------------------------

export interface FaultSandboxOptions {
  /** Names the temp dir and the canary user. */
  name: string;
  /** A Postgres server of the suite's own (to stop and start); default: a database on the shared one. */
  ownPostgres?: boolean;
  /** Added to every process's environment. */
  env?: Record<string, string>;
}

/**
 * What a fault suite may break without disturbing other suites: its own Redis, its own
 * Postgres or an isolated database on the shared one, a gated proxy in front of the token
 * registry, the process system over them (no process started
 * yet), and a canary registry user.
 * `close()` stops everything, also after a half-finished start.
 */
export interface FaultSandbox {
  readonly redis: RedisInstance;
  /** Only with `ownPostgres`. */
  readonly postgres?: PostgresInstance;
  readonly databaseUrl: string;
  readonly proxy: GatedRegistryProxy;
  readonly system: ProcessSystem;
  readonly canaryUser: CanaryUser;
  /** Where the canary appears: process outputs, API responses and /metrics pages, Redis keys and values, rows. */
  canaryLeaks(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startFaultSandbox(env: TestEnvironmentDescription, options: FaultSandboxOptions): Promise<FaultSandbox> {
  const baseDir = mkdtempSync(path.join(tmpdir(), `airt-${options.name}-`));
  const stoppers: Array<() => Promise<unknown>> = [async () => rmSync(baseDir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    // Last started, first stopped: processes before the services they use.
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const redis = await startRedis(baseDir);
    stoppers.push(() => redis.stop());
    let postgres: PostgresInstance | undefined;
    let databaseUrl: string;
    if (options.ownPostgres) {
      const own = await startPostgres(baseDir, { maxConnections: 50 });
      postgres = own;
      stoppers.push(() => own.stop());
      await migrate(own.url, MIGRATIONS_DIR);
      databaseUrl = own.url;
    } else {
      databaseUrl = await createIsolatedDatabase(env);
    }
    const proxy = await startGatedRegistryProxy(env.registries.token, env.caFile);
    stoppers.push(() => proxy.close());
    const system = await createProcessSystem(env, {
      databaseUrl,
      redisUrl: redis.url,
      env: { ...proxy.accessEnv(env), ...options.env },
    });
    stoppers.push(() => system.close());
    const canaryUser = await createCanaryUser(env, options.name);
    return {
      redis,
      postgres,
      databaseUrl,
      proxy,
      system,
      canaryUser,
      canaryLeaks: async () => {
        // The metrics pages of the processes still running count as responses too.
        const running = system.services.filter((service) => service.isRunning());
        const metrics = await Promise.all(running.map(async (service) => (await httpRequest('GET', `${service.url}/metrics`)).text));
        return findCanary(canaryUser.canary, {
          services: system.services,
          responses: [...system.api.responses, ...metrics],
          redisUrls: [redis.url],
          databaseUrls: [databaseUrl],
        });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
