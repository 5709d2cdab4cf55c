"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.credentialWarnings = credentialWarnings;
const DOCKER_HUB_TYPOS = new Set(['hub.docker.com', 'www.docker.com', 'docker.com', 'registry.docker.io', 'registry.hub.docker.com']);
function credentialWarnings(image, credentials) {
    const host = image.hostname.toLowerCase();
    const warnings = [];
    if (DOCKER_HUB_TYPOS.has(host)) {
        warnings.push({
            code: 'docker_hub_address',
            message: `"${host}" is Docker Hub's website, not its registry: use docker.io/${image.repository}${image.tag ? `:${image.tag}` : ''}`,
        });
    }
    if (!credentials)
        return warnings;
    const { username, token } = credentials;
    if (host === 'nvcr.io' && username !== '$oauthtoken') {
        warnings.push({
            code: 'nvcr_username',
            message: 'nvcr.io expects the username "$oauthtoken" (literally) with an NGC API key as the token',
        });
    }
    if (host === 'ghcr.io' && token.startsWith('github_pat_')) {
        warnings.push({
            code: 'ghcr_fine_grained_token',
            message: 'ghcr.io does not accept fine-grained personal access tokens (github_pat_…) for packages: use a classic token with read:packages',
        });
    }
    if (/\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(host)) {
        warnings.push({
            code: 'ecr_token_expires',
            message: 'Amazon ECR passwords (aws ecr get-login-password) expire after 12 hours: the template will fail re-validation after that',
        });
    }
    const isGoogle = host === 'gcr.io' || host.endsWith('.gcr.io') || host.endsWith('-docker.pkg.dev');
    if (isGoogle && username === 'oauth2accesstoken') {
        warnings.push({
            code: 'gcp_access_token_expires',
            message: 'Google "oauth2accesstoken" access tokens expire within an hour: use "_json_key" with a service account key, which does not',
        });
    }
    return warnings;
}
//# sourceMappingURL=credential-warnings.js.map