import { ImageReference, splitRegistryHost } from './image-reference';
import { DOCKER_HUB_WEBSITES, ecrRegistryRegion } from './registry-host';
import { secretExpiry } from './secret-expiry';

/** The codes of the advice returned with a create or update (the API document lists them). */
export enum TemplateWarningCode {
  DockerHubAddress = 'docker_hub_address',
  NvcrUsername = 'nvcr_username',
  GhcrFineGrainedToken = 'ghcr_fine_grained_token',
  EcrTokenExpires = 'ecr_token_expires',
  GcpAccessTokenExpires = 'gcp_access_token_expires',
  /** The secret carries its own expiry and it is less than EXPIRY_WARNING_MS away (or past). */
  CredentialsExpireSoon = 'credentials_expire_soon',
  /** The tag `latest` moves; `resolved_image` pins what was validated. */
  MutableTag = 'mutable_tag',
}

/** Advice returned with a create or update; never a reason to refuse the request. */
export interface TemplateWarning {
  code: TemplateWarningCode;
  message: string;
}

/** A secret that expires within this is warned about at create and rotation. */
export const EXPIRY_WARNING_MS = 7 * 24 * 60 * 60 * 1000;

export interface SecretForWarnings {
  username: string;
  token: string;
}

/**
 * Advice about the image reference (a moving `latest` tag) and the conventions of well-known
 * registries, checked against what the user sent with a template. Only the shape of the token
 * is looked at (a prefix, its own expiry); it is never quoted.
 */
export function templateWarnings(image: ImageReference, credentials: SecretForWarnings | null, now = new Date()): TemplateWarning[] {
  const host = image.hostname.toLowerCase();
  const warnings: TemplateWarning[] = [];
  if (image.tag === 'latest' && image.digest === undefined) {
    warnings.push({
      code: TemplateWarningCode.MutableTag,
      message:
        'The tag "latest" moves whenever a new image is pushed: launch from resolved_image, which pins the digest that was validated (re-validation follows the tag)',
    });
  }
  if (DOCKER_HUB_WEBSITES.has(host)) {
    warnings.push({
      code: TemplateWarningCode.DockerHubAddress,
      message: `"${host}" is Docker Hub's website, not its registry: use docker.io/${image.repository}${image.tag ? `:${image.tag}` : ''}`,
    });
  }
  if (!credentials) return warnings;
  return [...warnings, ...registryConventionWarnings(host, credentials), ...expiryWarnings(secretExpiry(credentials.token), now)];
}

/** The same conventions for a registry credential of kind basic (`registry` is its host[:port]). */
export function registryCredentialWarnings(registry: string, secret: SecretForWarnings, now = new Date()): TemplateWarning[] {
  const parts = splitRegistryHost(registry);
  const host = 'problem' in parts ? registry : parts.hostname;
  return [...registryConventionWarnings(host.toLowerCase(), secret), ...expiryWarnings(secretExpiry(secret.token), now)];
}

/** `credentials_expire_soon` when the secret's own expiry is less than 7 days away (or past). */
export function expiryWarnings(expiresAt: Date | null, now = new Date()): TemplateWarning[] {
  if (!expiresAt) return [];
  const left = expiresAt.getTime() - now.getTime();
  if (left >= EXPIRY_WARNING_MS) return [];
  const when = expiresAt.toISOString();
  const message =
    left <= 0
      ? `The secret expired at ${when}: validations will fail with credentials_expired until a new one is set`
      : `The secret expires at ${when} (in ${humanDuration(left)}): set a new one before then`;
  return [{ code: TemplateWarningCode.CredentialsExpireSoon, message }];
}

function registryConventionWarnings(host: string, { username, token }: SecretForWarnings): TemplateWarning[] {
  const warnings: TemplateWarning[] = [];
  if (host === 'nvcr.io' && username !== '$oauthtoken') {
    warnings.push({
      code: TemplateWarningCode.NvcrUsername,
      message: 'nvcr.io expects the username "$oauthtoken" (literally) with an NGC API key as the token',
    });
  }
  if (host === 'ghcr.io' && token.startsWith('github_pat_')) {
    warnings.push({
      code: TemplateWarningCode.GhcrFineGrainedToken,
      message: 'ghcr.io does not accept fine-grained personal access tokens (github_pat_…) for packages: use a classic token with read:packages',
    });
  }
  if (ecrRegistryRegion(host)) {
    warnings.push({
      code: TemplateWarningCode.EcrTokenExpires,
      message: 'Amazon ECR passwords (aws ecr get-login-password) expire after 12 hours: the template will fail re-validation after that',
    });
  }
  const isGoogle = host === 'gcr.io' || host.endsWith('.gcr.io') || host.endsWith('-docker.pkg.dev');
  if (isGoogle && username === 'oauth2accesstoken') {
    warnings.push({
      code: TemplateWarningCode.GcpAccessTokenExpires,
      message: 'Google "oauth2accesstoken" access tokens expire within an hour: use "_json_key" with a service account key, which does not',
    });
  }
  return warnings;
}

function humanDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  if (hours >= 1) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
