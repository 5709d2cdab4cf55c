/**
 * Debian's `docker-registry` (CNCF distribution 2.8) over TLS from the test CA, with filesystem
 * storage in a temp dir, in one of three auth flavours:
 *   anonymous — no auth, anyone pulls and pushes;
 *   basic     — htpasswd (bcrypt hashes from bcryptjs), every user may pull and push;
 *   token     — Bearer tokens from a test token issuer (./token-issuer) run in this process.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hashSync } from 'bcryptjs';
import { requireExecutable } from '../processes/executables';
import { ManagedServer, startManagedServer } from '../processes/managed-server';
import type { ProcessLedger } from '../processes/process-ledger';
import { httpsRequest } from './https-request';
import { TestCertificates, createSigningCertificate } from './tls';
import { RepositoryGrant, TokenIssuer, TokenIssuerOptions, TokenUser, startTokenIssuer } from './token-issuer';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export type RegistryAuth =
  | { mode: 'anonymous' }
  | { mode: 'basic'; users: RegistryCredentials[] }
  | {
      mode: 'token';
      /** The first user with push on `*` is used to seed images; see DEFAULT_TOKEN_USERS. */
      users: TokenUser[];
      anonymousGrants?: RepositoryGrant[];
      tokenTtlSeconds?: number;
      /** Default `test-registry`; the JWT `aud`. */
      service?: string;
      /** Answer some token requests differently (e.g. 503), see TokenIssuerOptions.override. */
      override?: TokenIssuerOptions['override'];
    };

export interface RegistryOptions {
  certificates: TestCertificates;
  auth: RegistryAuth;
  /** Sub-directory of baseDir; default `registry-<mode>`. */
  name?: string;
  ledger?: ProcessLedger;
  /** A fixed port (default: a free one). */
  port?: number;
}

export interface RegistryInstance {
  name: string;
  mode: RegistryAuth['mode'];
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  caFile: string;
  logFile: string;
  /** basic: the htpasswd users; token: the issuer's users. */
  users: RegistryCredentials[] | TokenUser[];
  /** Credentials that may push anything (undefined for the anonymous registry). */
  pushCredentials?: RegistryCredentials;
  tokenIssuer?: TokenIssuer;
  pid(): number | undefined;
  /** Stops only the registry process (not the token issuer), e.g. to test "registry down". */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** Stops the registry and its token issuer. */
  stop(): Promise<void>;
}

export const DEFAULT_BASIC_USERS: RegistryCredentials[] = [
  // A password with ':' '@' '/' '+' exercises Basic encoding in clients.
  { username: 'basic-user', password: 'p@ss:w0rd/+basic' },
];

/**
 * `pusher` may pull and push everything; `reader` may pull gpu/* and public/*; `restricted`
 * may pull gpu/cuda-app only (so gpu/multi is denied). Anonymous clients may pull public/*.
 */
export const DEFAULT_TOKEN_USERS: TokenUser[] = [
  { username: 'pusher', password: 'pusher-password', grants: [{ repository: '*', actions: ['pull', 'push', 'delete'] }] },
  { username: 'reader', password: 'reader-password', grants: [{ repository: 'gpu/*', actions: ['pull'] }] },
  { username: 'restricted', password: 'restricted:p@ss', grants: [{ repository: 'gpu/cuda-app', actions: ['pull'] }] },
];

export const DEFAULT_ANONYMOUS_GRANTS: RepositoryGrant[] = [{ repository: 'public/*', actions: ['pull'] }];

export async function startRegistry(baseDir: string, options: RegistryOptions): Promise<RegistryInstance> {
  const executable = await requireExecutable('docker-registry', 'docker-registry');
  const { auth, certificates } = options;
  const name = options.name ?? `registry-${auth.mode}`;
  const dir = path.join(baseDir, name);
  const storageDir = path.join(dir, 'storage');
  const configFile = path.join(dir, 'config.yml');
  const logFile = path.join(dir, 'registry.log');
  await fs.mkdir(storageDir, { recursive: true });

  let authConfig = '';
  let tokenIssuer: TokenIssuer | undefined;
  let users: RegistryCredentials[] | TokenUser[] = [];
  let pushCredentials: RegistryCredentials | undefined;
  if (auth.mode === 'basic') {
    const htpasswdFile = path.join(dir, 'htpasswd');
    await fs.writeFile(htpasswdFile, auth.users.map((user) => htpasswdLine(user.username, user.password)).join('\n') + '\n');
    authConfig = `auth:\n  htpasswd:\n    realm: ${yaml('test-registry')}\n    path: ${yaml(htpasswdFile)}\n`;
    users = auth.users;
    pushCredentials = auth.users[0];
  } else if (auth.mode === 'token') {
    const service = auth.service ?? 'test-registry';
    const issuerName = 'test-token-issuer';
    const signing = await createSigningCertificate(path.join(dir, 'signing'), issuerName);
    tokenIssuer = await startTokenIssuer({
      tls: { cert: certificates.cert, key: certificates.key },
      signing,
      service,
      issuer: issuerName,
      users: auth.users,
      anonymousGrants: auth.anonymousGrants,
      tokenTtlSeconds: auth.tokenTtlSeconds,
      override: auth.override,
    });
    authConfig =
      `auth:\n  token:\n    realm: ${yaml(tokenIssuer.realmUrl)}\n    service: ${yaml(service)}\n` +
      `    issuer: ${yaml(issuerName)}\n    rootcertbundle: ${yaml(signing.cert)}\n`;
    users = auth.users;
    const pusher = auth.users.find((user) =>
      user.grants.some((grant) => grant.repository === '*' && grant.actions.some((a) => a === 'push' || a === '*')),
    );
    pushCredentials = pusher && { username: pusher.username, password: pusher.password };
  }

  const certificatesCa = await fs.readFile(certificates.caCert, 'utf8');
  let server: ManagedServer;
  try {
    server = await startManagedServer({
      name: `docker-registry (${name})`,
      port: options.port,
      isReady: async (port) =>
        (await httpsRequest(`https://127.0.0.1:${port}/v2/`, { ca: certificatesCa, timeoutMs: 2_000 })).status > 0,
      processFor: async (port) => {
        await fs.writeFile(configFile, registryConfig(port, storageDir, certificates, authConfig));
        return { command: executable, args: ['serve', configFile], logFile, env: registryEnv(), ledger: options.ledger };
      },
    });
  } catch (error) {
    await tokenIssuer?.stop();
    throw error;
  }

  const stopServer = () => server.stop({ signal: 'SIGTERM', timeoutMs: 5_000 });
  return {
    name,
    mode: auth.mode,
    host: `127.0.0.1:${server.port}`,
    url: `https://127.0.0.1:${server.port}`,
    port: server.port,
    caFile: certificates.caCert,
    logFile,
    users,
    pushCredentials,
    tokenIssuer,
    pid: server.pid,
    stopServer,
    startServer: server.start,
    async stop() {
      await stopServer();
      await tokenIssuer?.stop();
    },
  };
}

function registryConfig(port: number, storageDir: string, certificates: TestCertificates, authConfig: string): string {
  return `version: 0.1
log:
  level: error
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${yaml(storageDir)}
  delete:
    enabled: true
  redirect:
    disable: true
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${yaml(`127.0.0.1:${port}`)}
  secret: ${yaml(randomBytes(16).toString('hex'))}
  tls:
    certificate: ${yaml(certificates.cert)}
    key: ${yaml(certificates.key)}
  headers:
    X-Content-Type-Options: [nosniff]
${authConfig}`;
}

/** The registry reads REGISTRY_* variables as config overrides: do not pass the caller's. */
function registryEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('REGISTRY_')));
}

/**
 * `user:$2b$04$…`. The registry checks the password with Go's bcrypt, which takes the $2a$, $2b$
 * and $2y$ prefixes alike. Cost 4, the minimum: the registry runs this check on every request.
 */
function htpasswdLine(username: string, password: string): string {
  if (username.includes(':')) throw new Error(`htpasswd user names cannot contain ':' (${username})`);
  return `${username}:${hashSync(password, HTPASSWD_BCRYPT_COST)}`;
}

const HTPASSWD_BCRYPT_COST = 4;

/** A YAML double-quoted scalar (JSON string syntax is valid YAML). */
function yaml(value: string): string {
  return JSON.stringify(value);
}
