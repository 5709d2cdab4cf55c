/** What a suite sends the registry credentials API: paths and valid create bodies of both kinds. */
import { randomUUID } from 'node:crypto';

export const CREDENTIALS_PATH = (orgId: string) => `/api/v1beta1/orgs/${orgId}/registry-credentials`;

export function basicCredentialBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `cred ${randomUUID().slice(0, 8)}`,
    kind: 'basic',
    registry: 'ghcr.io',
    username: 'robot',
    secret: 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
    ...overrides,
  };
}

/** AWS keys of the documented example shapes: access key id AKIA + 16, secret access key of 40 characters. */
export function awsEcrCredentialBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `ecr ${randomUUID().slice(0, 8)}`,
    kind: 'aws_ecr',
    registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
    aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ...overrides,
  };
}
