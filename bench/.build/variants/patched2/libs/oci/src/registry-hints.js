"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.credentialHint = credentialHint;
const CREDENTIAL_HINTS = [
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
        matches: (h) => /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(h),
        hint: 'For Amazon ECR use the username "AWS" and the output of "aws ecr get-login-password" (valid for 12 hours).',
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
function credentialHint(registryHost) {
    const host = registryHost.toLowerCase();
    return CREDENTIAL_HINTS.find((entry) => entry.matches(host))?.hint ?? GENERIC_HINT;
}
//# sourceMappingURL=registry-hints.js.map