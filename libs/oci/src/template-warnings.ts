import { ImageReference } from './image-reference';

/** The codes of the advice returned with a create or update (the API document lists them). */
export enum TemplateWarningCode {
  DockerHubAddress = 'docker_hub_address',
  NvcrUsername = 'nvcr_username',
  GhcrFineGrainedToken = 'ghcr_fine_grained_token',
  EcrTokenExpires = 'ecr_token_expires',
  GcpAccessTokenExpires = 'gcp_access_token_expires',
  /** The tag `latest` moves; `resolved_image` pins what was validated. */
  MutableTag = 'mutable_tag',
}

/** Advice returned with a create or update; never a reason to refuse the request. */
export interface TemplateWarning {
  code: TemplateWarningCode;
  message: string;
}

const DOCKER_HUB_TYPOS = new Set(['hub.docker.com', 'www.docker.com', 'docker.com', 'registry.docker.io', 'registry.hub.docker.com']);

/**
 * Advice about the image reference (a moving `latest` tag) and the conventions of well-known
 * registries, checked against what the user sent. Only the
 * shape of the token is looked at (a prefix); it is never quoted.
 */
export function templateWarnings(image: ImageReference, credentials: { username: string; token: string } | null): TemplateWarning[] {
  const host = image.hostname.toLowerCase();
  const warnings: TemplateWarning[] = [];
  if (image.tag === 'latest' && image.digest === undefined) {
    warnings.push({
      code: TemplateWarningCode.MutableTag,
      message:
        'The tag "latest" moves whenever a new image is pushed: launch from resolved_image, which pins the digest that was validated (re-validation follows the tag)',
    });
  }
  if (DOCKER_HUB_TYPOS.has(host)) {
    warnings.push({
      code: TemplateWarningCode.DockerHubAddress,
      message: `"${host}" is Docker Hub's website, not its registry: use docker.io/${image.repository}${image.tag ? `:${image.tag}` : ''}`,
    });
  }
  if (!credentials) return warnings;
  const { username, token } = credentials;
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
  if (/\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(host)) {
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
