import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { AppConfig, ConfigError, loadConfig, ProcessRole } from '@app/config';

/**
 * Keeps the deployment files (Dockerfile, .dockerignore, docker-compose.yml) consistent with the
 * code they deploy: environment variable names, entry points, ports, health endpoints, migrations.
 * Reads files only; needs neither Docker nor the services the global setup starts.
 *
 * YAML: docker-compose.yml is parsed with js-yaml (anchors and `<<` merge keys included), which
 * is in node_modules through jest (babel-plugin-istanbul → @istanbuljs/load-nyc-config), not a
 * direct devDependency of this package.
 */

const ROOT = path.resolve(__dirname, '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

interface JsYaml {
  load(text: string, options?: { schema?: unknown; filename?: string }): unknown;
  DEFAULT_SAFE_SCHEMA?: unknown; // js-yaml 3: `load` defaults to the unsafe schema
  DEFAULT_SCHEMA?: unknown; // js-yaml 4: the (safe) default
}

function parseYaml(text: string, filename: string): unknown {
  let jsYaml: JsYaml;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jsYaml = require('js-yaml') as JsYaml;
  } catch {
    throw new Error('js-yaml is not installed; add it as a devDependency (npm i -D js-yaml) to run this suite');
  }
  return jsYaml.load(text, { schema: jsYaml.DEFAULT_SAFE_SCHEMA ?? jsYaml.DEFAULT_SCHEMA, filename });
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------

type ComposeCommand = string[];
interface ComposeHealthcheck {
  test?: string[] | string;
  disable?: boolean;
}
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: ComposeCommand | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target: number; published?: number | string }>;
  expose?: Array<string | number>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: ComposeHealthcheck;
  restart?: string;
  volumes?: Array<string | { type?: string; source?: string; target: string }>;
  container_name?: string;
  stop_signal?: string;
  stop_grace_period?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const APP_SERVICES = ['migrate', 'api', 'worker'] as const;
type AppService = (typeof APP_SERVICES)[number];
const ROLE_OF: Record<AppService, ProcessRole> = { migrate: 'migrate', api: 'api', worker: 'worker' };

/** What the operator must supply in production (docker-compose.yml's header says so). */
const OPERATOR_SECRETS = {
  AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/**
 * Compose variable substitution (`$$`, `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}`), as docker-compose applies it with `hostEnv` as the shell.
 */
function interpolate(value: string, hostEnv: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name: string | undefined, colon: string, op: string, arg: string, bare: string | undefined) => {
      if (match === '$$') return '$';
      const variable = (name ?? bare)!;
      const current = hostEnv[variable];
      const missing = current === undefined || (colon === ':' && current === '');
      if (op === '-') return missing ? interpolate(arg, hostEnv) : current!;
      if (op === '?' && missing) throw new Error(`compose requires ${variable}: ${arg}`);
      return current ?? '';
    },
  );
}

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const separator = entry.indexOf('=');
        return separator < 0 ? [entry, ''] : [entry.slice(0, separator), entry.slice(separator + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

/** The environment a container of `service` gets when compose runs with `hostEnv`. */
function containerEnv(service: ComposeService, hostEnv: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(environmentOf(service)).map(([k, v]) => [k, interpolate(v, hostEnv)]));
}

function commandOf(service: ComposeService): string[] {
  const command = service.command;
  if (command === undefined) return [];
  return Array.isArray(command) ? command.map(String) : command.trim().split(/\s+/);
}

function healthcheckCommand(service: ComposeService): string {
  const test = service.healthcheck?.test;
  if (test === undefined) return '';
  return Array.isArray(test) ? test.slice(1).join(' ') : test;
}

/** The port and path a node-fetch healthcheck probes; `env` resolves `process.env.X||default`. */
function probedUrl(healthcheck: string, env: Record<string, string>): { port: number; path: string; portVariable?: string; fallback?: number } {
  const viaEnv = /127\.0\.0\.1:'\s*\+\s*\(\s*process\.env\.([A-Z_][A-Z0-9_]*)\s*\|\|\s*(\d+)\s*\)\s*\+\s*'(\/[A-Za-z0-9_/-]*)/.exec(healthcheck);
  if (viaEnv) {
    const [, portVariable, fallback, probePath] = viaEnv;
    const fromEnv = env[portVariable];
    return { port: Number(fromEnv || fallback), path: probePath, portVariable, fallback: Number(fallback) };
  }
  const literal = /(?:127\.0\.0\.1|localhost):(\d+)(\/[A-Za-z0-9_/-]*)/.exec(healthcheck);
  if (!literal) throw new Error(`cannot find the probed URL in healthcheck: ${healthcheck}`);
  return { port: Number(literal[1]), path: literal[2] };
}

function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return Number(port.target);
    const spec = String(port).split('/')[0];
    return Number(spec.slice(spec.lastIndexOf(':') + 1));
  });
}

function dependsOn(service: ComposeService): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep?.condition]));
}

/** Compose durations: `90s`, `1m30s`, `500ms`, `1h`. */
function composeDurationMs(value: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) throw new Error(`not a compose duration: ${value}`);
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit], 0);
}

// ---------------------------------------------------------------------------------------------
// The configuration's variable names (libs/config/src/app-config.ts is the only reader)
// ---------------------------------------------------------------------------------------------

/** Names passed as string literals to the env parsers: `integer(env, 'PORT', …)`, `urlFor(…, env, 'DATABASE_URL', …)`. */
function configNamesFromSource(): Set<string> {
  const source = read('libs/config/src/app-config.ts');
  return new Set([...source.matchAll(/\benv,\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]));
}

/** Names loadConfig actually looks up, recorded through a Proxy (catches reads the regex misses). */
function configNamesAtRuntime(): Set<string> {
  const names = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, key) {
      if (typeof key === 'string') names.add(key);
      return undefined;
    },
  });
  try {
    loadConfig('token', env); // the role with no required settings
  } catch {
    // names read before a failure are still recorded
  }
  return names;
}

/** The defaults the code uses when a variable is unset. */
const DEFAULTS: AppConfig = loadConfig('token', {});

// ---------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------

interface DockerInstruction {
  keyword: string;
  args: string;
}
interface DockerStage {
  from: string;
  name?: string;
  instructions: DockerInstruction[];
}

function parseDockerfile(text: string): { globalArgs: Record<string, string>; stages: DockerStage[] } {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const globalArgs: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, image, name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
      const resolved = image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, arg: string) => globalArgs[arg] ?? '');
      stages.push({ from: resolved, name, instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [argName, value = ''] = args.split('=');
      globalArgs[argName.trim()] = value.trim().replace(/^"(.*)"$/, '$1');
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword: upper, args });
    }
  }
  return { globalArgs, stages };
}

const jsonArray = (args: string): string[] => JSON.parse(args) as string[];
const allOf = (stage: DockerStage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

// ---------------------------------------------------------------------------------------------
// Entry points: dist/apps/<app>/src/main.js ⇐ apps/<app>/src/main.ts, as `nest build <app>` emits it
// ---------------------------------------------------------------------------------------------

interface NestProject {
  type: string;
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions?: { tsConfigPath?: string };
}
interface NestCli {
  compilerOptions?: { tsConfigPath?: string };
  projects: Record<string, NestProject>;
}

const nestCli = (): NestCli => JSON.parse(read('nest-cli.json')) as NestCli;
const nestProjects = (): Record<string, NestProject> => nestCli().projects;

/** The tsconfig `nest build [project]` compiles with. */
function tsconfigOf(project?: string): string {
  const cli = nestCli();
  const configured = (project ? cli.projects[project]?.compilerOptions?.tsConfigPath : undefined) ?? cli.compilerOptions?.tsConfigPath;
  return configured ?? 'tsconfig.build.json';
}

/** What `npm run build` compiles: for each `nest build [project]`, its tsconfig's files and output mapping. */
function buildOutputs(buildScript: string): Map<string, string> {
  const outputs = new Map<string, string>(); // source file (relative) → emitted .js (relative)
  const invocations = [...buildScript.matchAll(/\bnest build(?:\s+([A-Za-z0-9_-]+))?/g)].map((m) => m[1]);
  for (const project of invocations) {
    const tsconfigPath = path.join(ROOT, tsconfigOf(project));
    const parsed = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    })!;
    const { outDir, rootDir } = parsed.options;
    if (!outDir || !rootDir) throw new Error(`${tsconfigPath}: outDir and rootDir must be set`);
    for (const file of parsed.fileNames) {
      const emitted = path.join(outDir, path.relative(rootDir, file)).replace(/\.ts$/, '.js');
      outputs.set(path.relative(ROOT, file).split(path.sep).join('/'), path.relative(ROOT, emitted).split(path.sep).join('/'));
    }
  }
  return outputs;
}

/** The script `node [node flags] <script> …` runs (its flags, e.g. --max-semi-space-size=8, are the product's: README "Memory"). */
function entryOf(command: string[]): string {
  expect(command[0]).toBe('node');
  return command.slice(1).find((word) => !word.startsWith('-')) ?? '';
}

/**
 * `node [flags] dist/apps/X/src/main.js …` → X, after checking that X is a Nest application whose
 * entry point exists and that `npm run build` emits exactly that file from it.
 */
function appOfCommand(command: string[], buildScript: string): string {
  const entryPoint = entryOf(command);
  const match = /^dist\/apps\/([a-z-]+)\/src\/main\.js$/.exec(entryPoint);
  if (!match) throw new Error(`not an app entry point: ${command.join(' ')}`);
  const app = match[1];
  const project = nestProjects()[app];
  expect(project?.type).toBe('application');
  const entry = `${project.sourceRoot}/${project.entryFile}.ts`;
  expect(existsSync(path.join(ROOT, entry))).toBe(true);
  expect({ entry, emitted: buildOutputs(buildScript).get(entry) }).toEqual({ entry, emitted: entryPoint });
  return app;
}

// ---------------------------------------------------------------------------------------------

describe('deployment files are consistent with the code', () => {
  const composeText = read('docker-compose.yml');
  const compose = parseYaml(composeText, 'docker-compose.yml') as ComposeFile;
  const services = compose.services;
  const dockerfile = parseDockerfile(read('Dockerfile'));
  const finalStage = dockerfile.stages[dockerfile.stages.length - 1];
  const packageJson = JSON.parse(read('package.json')) as {
    scripts: Record<string, string>;
    engines: { node: string };
    devDependencies: Record<string, string>;
  };
  const scripts = packageJson.scripts;
  /** The supported Node major, from package.json engines (`^M.m.p`). */
  const NODE_MAJOR = Number(/^\^(\d+)\./.exec(packageJson.engines.node)?.[1]);
  const knownNames = new Set([...configNamesFromSource(), ...configNamesAtRuntime()]);

  describe('docker-compose.yml', () => {
    it('defines postgres, pgbouncer, redis, migrate, api and worker', () => {
      expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'pgbouncer', 'redis', ...APP_SERVICES]));
    });

    it('pgbouncer: Debian\'s PgBouncer in transaction mode in front of the postgres service, where api and worker connect', () => {
      const pgbouncer = services.pgbouncer;
      const context = typeof pgbouncer.build === 'string' ? pgbouncer.build : pgbouncer.build?.context;
      expect(context).toBe('deploy/pgbouncer');
      expect(read('deploy/pgbouncer/Dockerfile')).toMatch(/^FROM debian:bookworm/m); // PgBouncer 1.18, as the tests run it
      const ini = read('deploy/pgbouncer/pgbouncer.ini');
      const setting = (key: string) => new RegExp(`^${key}\\s*=\\s*(.*)$`, 'm').exec(ini)?.[1].trim();
      expect(setting('pool_mode')).toBe('transaction');
      expect(setting('\\*')).toBe('host=postgres port=5432');
      expect(dependsOn(pgbouncer)).toEqual({ postgres: 'service_healthy' });
      expect(healthcheckCommand(pgbouncer)).toMatch(new RegExp(`pg_isready -h 127.0.0.1 -p ${setting('listen_port')}\\b`));
      for (const name of ['api', 'worker'] as const) {
        const config = loadConfig(ROLE_OF[name], containerEnv(services[name], OPERATOR_SECRETS));
        expect(new URL(config.database.url)).toMatchObject({ hostname: 'pgbouncer', port: setting('listen_port') });
        expect(dependsOn(services[name])).toMatchObject({ pgbouncer: 'service_healthy' });
      }
      // The same user logs in to PgBouncer and, through it, to Postgres.
      const pg = containerEnv(services.postgres, {});
      expect(containerEnv(pgbouncer, {})).toMatchObject({ POSTGRES_USER: pg.POSTGRES_USER, POSTGRES_PASSWORD: pg.POSTGRES_PASSWORD });
    });

    it('quotes YAML 1.1 booleans (yes/no/on/off), which docker-compose v1 would turn into true/false', () => {
      const unquoted = composeText
        .split('\n')
        .filter((line) => !/^\s*#/.test(line))
        .filter((line) => /(?::\s+|^\s*-\s+|[[,]\s*)(yes|no|on|off)\s*(?:$|[,\]#])/i.test(line));
      expect(unquoted).toEqual([]);
    });

    it('runs Redis durable and without eviction, as BullMQ requires', () => {
      const command = commandOf(services.redis);
      expect(services.redis.image).toMatch(/^redis:7\b/);
      expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
      expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
      expect(command).toContain('--appendonly');
      expect(command).toContain('--maxmemory-policy');
      expect(healthcheckCommand(services.redis)).toMatch(/redis-cli\s+ping/);
    });

    it('keeps Postgres and Redis data in named volumes and checks Postgres with pg_isready', () => {
      expect(services.postgres.image).toMatch(/^postgres:15\b/);
      expect(healthcheckCommand(services.postgres)).toMatch(/pg_isready/);
      for (const [service, target] of [['postgres', '/var/lib/postgresql/data'], ['redis', '/data']] as const) {
        const volume = (services[service].volumes ?? [])
          .map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v))
          .find((v) => v.target === target);
        expect(volume?.source).toBeDefined();
        expect(Object.keys(compose.volumes ?? {})).toContain(volume!.source);
      }
    });

    it('builds one shared image for migrate, api and worker', () => {
      const images = new Set(APP_SERVICES.map((name) => services[name].image));
      expect(images.size).toBe(1);
      for (const name of APP_SERVICES) {
        const build = services[name].build;
        const context = typeof build === 'string' ? build : build?.context;
        expect(context).toBe('.');
      }
    });

    it.each(APP_SERVICES)('%s: every environment variable is one libs/config reads', (name) => {
      expect(knownNames.has('DATABASE_URL')).toBe(true); // the extraction itself works
      const unknown = Object.keys(environmentOf(services[name])).filter((variable) => !knownNames.has(variable));
      expect(unknown).toEqual([]);
    });

    it.each(APP_SERVICES)('%s: commands are built entry points and match the package.json scripts', (name) => {
      const command = commandOf(services[name]);
      appOfCommand(command, scripts.build);
      const script = { migrate: 'db:migrate', api: 'start:api', worker: 'start:worker' }[name];
      expect(scripts[script]).toBe(command.join(' '));
    });

    it('migrate runs once, after Postgres is healthy, and gates api and worker', () => {
      expect(services.migrate.restart).toBe('no');
      expect(dependsOn(services.migrate)).toEqual({ postgres: 'service_healthy' });
      for (const name of ['api', 'worker'] as const) {
        expect(dependsOn(services[name])).toMatchObject({ migrate: 'service_completed_successfully', redis: 'service_healthy' });
      }
    });

    it('migrate: the configuration loads for the migrate role, its direct connection pointed at the postgres service', () => {
      const config = loadConfig('migrate', containerEnv(services.migrate, {}));
      expect(config.nodeEnv).toBe('production');
      const url = new URL(config.database.directUrl); // migrations (and their advisory lock) bypass PgBouncer
      expect(url.hostname).toBe('postgres');
      const pg = containerEnv(services.postgres, {});
      expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
    });

    it.each(['api', 'worker'] as const)('%s: production refuses to start until the operator supplies keys', (name) => {
      expect(() => loadConfig(ROLE_OF[name], containerEnv(services[name], {}))).toThrow(ConfigError);
    });

    it.each(['api', 'worker'] as const)('%s: with the operator secrets the configuration loads against the compose services', (name) => {
      const config = loadConfig(ROLE_OF[name], containerEnv(services[name], OPERATOR_SECRETS));
      expect(config.nodeEnv).toBe('production');
      expect(new URL(config.database.url).hostname).toBe('pgbouncer');
      expect(new URL(config.database.directUrl).hostname).toBe('postgres');
      expect(new URL(config.redis.url).hostname).toBe('redis');
    });

    it('api: publishes the port it listens on and its healthcheck probes /readyz there', () => {
      const env = containerEnv(services.api, OPERATOR_SECRETS);
      const config = loadConfig('api', env);
      expect(config.http.port).toBe(3000);
      expect(containerPorts(services.api)).toEqual([config.http.port]);
      const probe = probedUrl(healthcheckCommand(services.api), env);
      expect(probe).toMatchObject({ port: config.http.port, path: '/readyz' });
      if (probe.portVariable) {
        expect(probe.portVariable).toBe('PORT');
        expect(probe.fallback).toBe(DEFAULTS.http.port);
      }
    });

    it('worker: scales (no published ports, no fixed name) and its healthcheck probes /readyz on WORKER_HTTP_PORT', () => {
      const worker = services.worker;
      expect(worker.ports ?? []).toEqual([]);
      expect(worker.container_name).toBeUndefined();
      const env = containerEnv(worker, OPERATOR_SECRETS);
      const config = loadConfig('worker', env);
      const probe = probedUrl(healthcheckCommand(worker), env);
      expect(probe).toMatchObject({ port: config.worker.httpPort, path: '/readyz' });
      if (probe.portVariable) {
        expect(probe.portVariable).toBe('WORKER_HTTP_PORT');
        expect(probe.fallback).toBe(DEFAULTS.worker.httpPort);
      }
      expect(DEFAULTS.worker.httpPort).toBe(3001);
    });

    it('worker: SIGTERM with a grace period longer than one validation may take', () => {
      const worker = services.worker;
      const config = loadConfig('worker', containerEnv(worker, OPERATOR_SECRETS));
      expect(worker.stop_signal ?? 'SIGTERM').toBe('SIGTERM');
      expect(composeDurationMs(worker.stop_grace_period ?? '10s')).toBeGreaterThan(config.registry.totalTimeoutMs);
    });
  });

  describe('Dockerfile', () => {
    it(`is multi-stage and every stage is Node ${NODE_MAJOR}`, () => {
      expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
      for (const stage of dockerfile.stages) expect(stage.from).toMatch(new RegExp(`^node:${NODE_MAJOR}([.-]|$)`));
    });

    it('builds with npm ci and npm run build, then drops dev dependencies', () => {
      const build = dockerfile.stages.find((stage) => stage.name === 'build')!;
      const run = allOf(build, 'RUN').join(' && ');
      expect(run).toMatch(/\bnpm ci\b/);
      expect(run).toMatch(/\bnpm run build\b/);
      expect(run).toMatch(/\bnpm prune --omit=dev\b/);
      expect(run.indexOf('npm run build')).toBeLessThan(run.indexOf('npm prune'));
      // `npm run build` generates the Prisma client first (it is compiled into dist/).
      expect(scripts.build).toMatch(/^npm run prisma:generate && /);
    });

    it('runtime stage copies dist, node_modules, package.json and prisma/ into its workdir', () => {
      const workdir = allOf(finalStage, 'WORKDIR').pop();
      expect(workdir).toBeDefined();
      const copied = allOf(finalStage, 'COPY')
        .filter((args) => /--from=build\b/.test(args))
        .flatMap((args) => {
          const parts = args.split(/\s+/).filter((part) => !part.startsWith('--'));
          const rawDest = parts.pop()!;
          const dest = path.posix.resolve(workdir!, rawDest);
          const intoDirectory = rawDest.endsWith('/') || parts.length > 1;
          return parts.map((src) => (intoDirectory ? path.posix.join(dest, path.posix.basename(src)) : dest));
        });
      for (const needed of ['dist', 'node_modules', 'package.json', 'prisma']) {
        expect(copied).toContain(path.posix.join(workdir!, needed));
      }
      // `migrate` finds prisma/migrations by walking up from dist/apps/cli/src.
      expect(existsSync(path.join(ROOT, 'prisma', 'migrations'))).toBe(true);
    });

    it('runs as a non-root user with NODE_ENV=production', () => {
      const user = allOf(finalStage, 'USER').pop();
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
      expect(allOf(finalStage, 'ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
    });

    it('its default CMD is the API, the same command as compose runs', () => {
      const cmd = jsonArray(allOf(finalStage, 'CMD').pop()!);
      expect(appOfCommand(cmd, scripts.build)).toBe('api');
      expect(cmd).toEqual(commandOf(services.api));
    });

    it('exposes the default API and worker ports', () => {
      const exposed = allOf(finalStage, 'EXPOSE').flatMap((args) => args.split(/\s+/)).map((p) => Number(p.split('/')[0]));
      expect(exposed).toEqual(expect.arrayContaining([DEFAULTS.http.port, DEFAULTS.worker.httpPort]));
    });

    it('a HEALTHCHECK, if any, probes the API /readyz', () => {
      for (const healthcheck of allOf(finalStage, 'HEALTHCHECK')) {
        const probe = probedUrl(healthcheck.replace(/\\"/g, '"'), {});
        expect(probe).toMatchObject({ port: DEFAULTS.http.port, path: '/readyz' });
      }
    });
  });

  describe('scripts/start.sh', () => {
    it('runs the API and the worker with the same node flags as the npm start scripts', () => {
      const started = read('scripts/start.sh')
        .split('\n')
        .map((line) => /^node (.*dist\/apps\/(api|worker)\/src\/main\.js)/.exec(line.trim()))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[2], `node ${match[1]}`]);
      expect(Object.fromEntries(started)).toEqual({ api: scripts['start:api'], worker: scripts['start:worker'] });
    });
  });

  describe('one supported Node major', () => {
    it('is Node 20: package.json engines (^20.19.0, which Prisma 7 needs) and @types/node', () => {
      expect(NODE_MAJOR).toBe(20);
      expect(packageJson.engines.node).toBe('^20.19.0');
      expect(packageJson.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${NODE_MAJOR}\\.`));
    });

    it('CI refuses another major (it checks engines) and the README names the same one', () => {
      expect(read('.ci/run')).toMatch(/engines\.node/);
      expect(read('README.md')).toContain(`Node.js ${NODE_MAJOR} (${packageJson.engines.node.replace(/^\^/, '>= ')})`);
    });
  });

  describe('.dockerignore', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'));
    const globToRegExp = (glob: string): RegExp =>
      new RegExp(
        `^${glob
          .replace(/^\/+|\/+$/g, '')
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*\//g, '(?:.*/)?')
          .replace(/\*\*/g, '.*')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}$`,
      );
    const ignored = (file: string): boolean => {
      const prefixes = file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
      return patterns.some((pattern) => prefixes.some((prefix) => globToRegExp(pattern).test(prefix)));
    };

    it('keeps host build output and dependencies out of the build context', () => {
      for (const file of ['node_modules', 'dist', '.data', '.git', 'coverage', 'libs/db/src/generated/prisma/client.ts']) {
        expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: true });
      }
    });

    it('keeps everything the image build needs', () => {
      const needed = [
        'package.json',
        'package-lock.json',
        'nest-cli.json',
        'tsconfig.json',
        'prisma.config.ts',
        'prisma/schema.prisma',
        'prisma/migrations/migration_lock.toml',
        'scripts/prisma-generate.sh',
        ...APP_SERVICES.map((name) => entryOf(commandOf(services[name])).replace(/^dist\//, '').replace(/\.js$/, '.ts')),
        ...Object.values(nestProjects()).map((project) => `${project.sourceRoot}/${project.entryFile}.ts`),
        tsconfigOf(),
        ...Object.keys(nestProjects()).map((project) => tsconfigOf(project)),
      ];
      for (const file of needed) {
        expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: false });
      }
    });
  });
});
