import { ecrRegistryRegion } from './registry-host';

/**
 * What a user should put in the username/token fields for well-known
 * registries; appended to credential errors so the message says what to fix.
 */
const CREDENTIAL_HINTS: ReadonlyArray<{ matches: (host: string) => boolean; hint: string }> = [
  {
    matches: (h) => h === 'nvcr.io',
    hint: 'NVIDIA NGC expects the username "$oauthtoken" and an NGC API key as the token.',
  },
  {
    matches: (h) => h === 'ghcr.io',
    hint: 'For ghcr.io use your GitHub username and a classic personal access token with the read:packages scope.',
  },
  {
    matches: (h) => h === 'docker.io' || h === 'index.docker.io' || h === 'registry-1.docker.io',
    hint: 'For Docker Hub use your Docker ID and a personal access token with read access.',
  },
  {
    matches: (h) => ecrRegistryRegion(h) !== undefined,
    hint: 'For Amazon ECR use an aws_ecr registry credential (AWS keys; fresh passwords are minted for each validation), or the username "AWS" and the output of "aws ecr get-login-password" (valid for 12 hours).',
  },
  {
    matches: (h) => h === 'gcr.io' || h.endsWith('.gcr.io') || h.endsWith('-docker.pkg.dev'),
    hint: 'For Google Artifact Registry use the username "_json_key" and a service account key (JSON) as the token.',
  },
  {
    matches: (h) => h.endsWith('.azurecr.io'),
    hint: 'For Azure Container Registry use a repository-scoped token or a service principal (its ID as username).',
  },
  {
    matches: (h) => h === 'quay.io',
    hint: 'For Quay use a robot account (username like "org+robot") and its token.',
  },
];

const GENERIC_HINT = 'Check the registry username and token, and that the token can pull this repository.';

/** Advice on credentials for the registry host (lowercased, without port). */
export function credentialHint(registryHost: string): string {
  const host = registryHost.toLowerCase();
  return CREDENTIAL_HINTS.find((entry) => entry.matches(host))?.hint ?? GENERIC_HINT;
}
