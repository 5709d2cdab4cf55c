import type { Agent } from 'node:https';
import { RegistryError, ValidationErrorCode } from '@app/oci';
import { awsErrorToRegistryError } from './aws-errors';

/** What GetAuthorizationToken needs: the credential's keys and where to ask. */
export interface EcrAuthorizationRequest {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  roleArn: string | null;
  externalId: string | null;
  /** Names the assumed-role session (visible in the account's CloudTrail). */
  sessionName: string;
}

/** A minted ECR password: Basic credentials for the registry, until `expiresAt`. */
export interface EcrAuthorization {
  username: string;
  password: string;
  expiresAt: Date | null;
}

export interface AwsEndpoints {
  /** AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL_STS, when set; else the SDK's regional endpoints. */
  ecr?: string;
  sts?: string;
  /** Trusts AWS_CA_BUNDLE's certificates (absent: the system roots). */
  httpsAgent?: Agent;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Short: an assumed role's credentials are used at once, for one GetAuthorizationToken. */
const ASSUME_ROLE_SECONDS = 900;

/**
 * Calls AWS through the SDK for JavaScript v3: STS AssumeRole when the credential names a
 * role, then ECR GetAuthorizationToken, and decodes the token (`base64("AWS:<password>")`).
 *
 * The SDK packages are loaded on the first call (about 16 MB once loaded): a worker that
 * never sees an aws_ecr credential never loads them, and the API never does. Every setting
 * is passed explicitly from libs/config (endpoints, region, keys); the SDK's own reading of
 * configured endpoints is switched off, and it does not retry (the validation queue does,
 * with its backoff). Failures become RegistryErrors whose messages hold no secret.
 */
export async function mintEcrAuthorization(request: EcrAuthorizationRequest, endpoints: AwsEndpoints): Promise<EcrAuthorization> {
  const common = {
    region: request.region,
    maxAttempts: 1,
    ignoreConfiguredEndpointUrls: true,
    requestHandler: {
      connectionTimeout: endpoints.connectTimeoutMs,
      requestTimeout: endpoints.requestTimeoutMs,
      ...(endpoints.httpsAgent ? { httpsAgent: endpoints.httpsAgent } : {}),
    },
  };
  let credentials = { accessKeyId: request.accessKeyId, secretAccessKey: request.secretAccessKey, sessionToken: undefined as string | undefined };
  const secrets = [request.secretAccessKey];
  if (request.roleArn) {
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const sts = new STSClient({ ...common, credentials, ...(endpoints.sts ? { endpoint: endpoints.sts } : {}) });
    try {
      const { Credentials: assumed } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.sessionName,
          DurationSeconds: ASSUME_ROLE_SECONDS,
          ...(request.externalId ? { ExternalId: request.externalId } : {}),
        }),
      );
      if (!assumed?.AccessKeyId || !assumed.SecretAccessKey) {
        throw new RegistryError(ValidationErrorCode.RegistryError, `AWS STS answered AssumeRole of ${request.roleArn} without credentials`);
      }
      credentials = { accessKeyId: assumed.AccessKeyId, secretAccessKey: assumed.SecretAccessKey, sessionToken: assumed.SessionToken };
      secrets.push(assumed.SecretAccessKey, assumed.SessionToken ?? '');
    } catch (error) {
      throw awsErrorToRegistryError(error, { action: `AWS STS AssumeRole of ${request.roleArn}`, secrets });
    } finally {
      sts.destroy();
    }
  }
  const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const ecr = new ECRClient({ ...common, credentials, ...(endpoints.ecr ? { endpoint: endpoints.ecr } : {}) });
  try {
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = authorizationData?.[0];
    const decoded = data?.authorizationToken ? Buffer.from(data.authorizationToken, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0 || colon === decoded.length - 1) {
      throw new RegistryError(ValidationErrorCode.RegistryError, `Amazon ECR (${request.region}) answered GetAuthorizationToken without a usable token`);
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), expiresAt: data?.expiresAt ?? null };
  } catch (error) {
    throw awsErrorToRegistryError(error, { action: `Amazon ECR GetAuthorizationToken in ${request.region}`, secrets });
  } finally {
    ecr.destroy();
  }
}
