/**
 * A local HTTPS endpoint that speaks the two AWS actions the worker calls, as the AWS SDK
 * for JavaScript v3 sends and expects them:
 * - ECR `GetAuthorizationToken` (AWS JSON 1.1: POST / with
 *   `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken`), answered with
 *   `authorizationData[0].authorizationToken = base64("AWS:<password>")`, `expiresAt` (Unix
 *   seconds) and `proxyEndpoint`; errors as `{__type, message}` with `x-amzn-ErrorType`;
 * - STS `AssumeRole` (the Query protocol: a form-encoded body, XML answers and
 *   `<ErrorResponse>` errors).
 * Requests are SigV4-verified against the keys it knows (./sigv4-verifier.ts), so wrong keys,
 * missing permissions and untrusted roles fail as they do on AWS. The password it hands out
 * has the real format (base64 of `{payload, datakey, version, type, expiration}`) and is the
 * password of user `AWS` of a real docker-registry with htpasswd, so minted credentials are
 * exercised end to end. The AWS endpoint has no local implementation: that is why this exists.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseAuthorization, signatureMatches } from './sigv4-verifier';
import { assumeRoleXml, stsErrorXml } from './sts-xml';

export const TEST_AWS_ACCOUNT = '123456789012';

export interface AwsUser {
  accessKeyId: string;
  secretAccessKey: string;
  /** May call ecr:GetAuthorizationToken (default true). */
  ecrAllowed?: boolean;
}

export interface AwsRole {
  arn: string;
  /** Access key ids whose principals the role's trust policy allows. */
  trusted: string[];
  /** The sts:ExternalId condition, when the role has one. */
  externalId?: string;
}

export interface AwsRequestRecord {
  service: 'ecr' | 'sts';
  action: string;
  accessKeyId: string | null;
  /** `ok`, or the AWS error code answered. */
  outcome: string;
  roleArn?: string;
  externalId?: string;
}

export interface AwsEcrEndpoint {
  /** `https://127.0.0.1:PORT`: AWS_ENDPOINT_URL_ECR and AWS_ENDPOINT_URL_STS. */
  readonly url: string;
  /** The ECR password handed out (the registry's htpasswd user `AWS`). */
  readonly password: string;
  readonly requests: AwsRequestRecord[];
  addUser(user: AwsUser): void;
  addRole(role: AwsRole): void;
  /** How long minted passwords last (`expiresAt`), default 12 hours. */
  setTokenLifetime(ms: number): void;
  /** The next `count` requests are answered with throttling errors. */
  throttleNext(count: number): void;
  stop(): Promise<void>;
}

const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const TWELVE_HOURS = 12 * 3600 * 1000;

/** An ECR password in the real format, expiring at `expiresAt`. */
export function ecrPassword(expiresAt: Date): string {
  const fields = {
    payload: randomBytes(96).toString('base64'),
    datakey: randomBytes(48).toString('base64'),
    version: '2',
    type: 'DATA_KEY',
    expiration: Math.floor(expiresAt.getTime() / 1000),
  };
  return Buffer.from(JSON.stringify(fields)).toString('base64');
}

export async function startAwsEcrEndpoint(options: { tls: { cert: string; key: string }; region?: string }): Promise<AwsEcrEndpoint> {
  const [cert, key] = await Promise.all([fs.readFile(options.tls.cert, 'utf8'), fs.readFile(options.tls.key, 'utf8')]);
  const users = new Map<string, AwsUser & { sessionToken?: string }>();
  const roles = new Map<string, AwsRole>();
  const requests: AwsRequestRecord[] = [];
  const password = ecrPassword(new Date(Date.now() + TWELVE_HOURS));
  let tokenLifetimeMs = TWELVE_HOURS;
  let throttled = 0;

  const server: Server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isEcr = req.headers['x-amz-target'] === ECR_TARGET;
      const form = new URLSearchParams(isEcr ? '' : body.toString('utf8'));
      const record: AwsRequestRecord = { service: isEcr ? 'ecr' : 'sts', action: isEcr ? 'GetAuthorizationToken' : (form.get('Action') ?? '?'), accessKeyId: null, outcome: 'ok' };
      requests.push(record);
      const fail = (status: number, code: string, message: string) => {
        record.outcome = code;
        if (isEcr) {
          const payload = JSON.stringify({ __type: code, message });
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code, 'x-amzn-requestid': randomBytes(8).toString('hex') });
          res.end(payload);
        } else {
          res.writeHead(status, { 'content-type': 'text/xml' });
          res.end(stsErrorXml(code, message));
        }
      };
      if (!isEcr && form.get('Action') !== 'AssumeRole') return fail(400, 'InvalidAction', 'Only GetAuthorizationToken and AssumeRole are served here');
      if (throttled > 0) {
        throttled--;
        return isEcr ? fail(400, 'ThrottlingException', 'Rate exceeded') : fail(400, 'Throttling', 'Rate exceeded');
      }
      const auth = parseAuthorization(req.headers.authorization);
      record.accessKeyId = auth?.accessKeyId ?? null;
      const user = auth ? users.get(auth.accessKeyId) : undefined;
      if (!auth || !user) {
        return isEcr
          ? fail(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
          : fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      }
      const sessionOk = user.sessionToken === undefined || req.headers['x-amz-security-token'] === user.sessionToken;
      if (!sessionOk || !signatureMatches({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, auth, user.secretAccessKey)) {
        const message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
        return isEcr ? fail(400, 'InvalidSignatureException', message) : fail(403, 'SignatureDoesNotMatch', message);
      }
      const principal = `arn:aws:iam::${TEST_AWS_ACCOUNT}:user/${user.accessKeyId.toLowerCase()}`;
      if (isEcr) {
        if (user.ecrAllowed === false) {
          return fail(400, 'AccessDeniedException', `User: ${principal} is not authorized to perform: ecr:GetAuthorizationToken on resource: *`);
        }
        const region = auth.region;
        const answer = JSON.stringify({
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
              expiresAt: (Date.now() + tokenLifetimeMs) / 1000,
              proxyEndpoint: `https://${TEST_AWS_ACCOUNT}.dkr.ecr.${region}.amazonaws.com`,
            },
          ],
        });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomBytes(8).toString('hex') });
        res.end(answer);
        return;
      }
      const roleArn = form.get('RoleArn') ?? '';
      record.roleArn = roleArn;
      record.externalId = form.get('ExternalId') ?? undefined;
      const role = roles.get(roleArn);
      if (!role || !role.trusted.includes(user.accessKeyId) || (role.externalId !== undefined && role.externalId !== form.get('ExternalId'))) {
        return fail(403, 'AccessDenied', `User: ${principal} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      const temporary = {
        accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(48).toString('base64'),
      };
      users.set(temporary.accessKeyId, temporary);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(assumeRoleXml(roleArn, form.get('RoleSessionName') ?? 'session', temporary, new Date(Date.now() + 900_000)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    password,
    requests,
    addUser: (user) => users.set(user.accessKeyId, user),
    addRole: (role) => roles.set(role.arn, role),
    setTokenLifetime: (ms) => {
      tokenLifetimeMs = ms;
    },
    throttleNext: (count) => {
      throttled = count;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh IAM user's keys of the right shapes (AKIA + 16, 40-character secret). */
export function newAwsKeys(): { accessKeyId: string; secretAccessKey: string } {
  const id = randomBytes(10).toString('hex').toUpperCase().slice(0, 16);
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}
