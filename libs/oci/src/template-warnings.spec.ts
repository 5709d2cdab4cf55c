import { templateWarnings } from './template-warnings';
import { ImageReference } from './image-reference';

const codes = (image: string, credentials: { username: string; token: string } | null) =>
  templateWarnings(ImageReference.parse(image), credentials).map((w) => w.code);

describe('templateWarnings', () => {
  it('knows the conventions of well-known registries', () => {
    expect(codes('nvcr.io/nvidia/pytorch:24.01-py3', { username: 'me', token: 'key' })).toEqual(['nvcr_username']);
    expect(codes('nvcr.io/nvidia/pytorch:24.01-py3', { username: '$oauthtoken', token: 'key' })).toEqual([]);
    expect(codes('ghcr.io/acme/app:1', { username: 'me', token: 'github_pat_11ABC' })).toEqual(['ghcr_fine_grained_token']);
    expect(codes('ghcr.io/acme/app:1', { username: 'me', token: 'ghp_classic' })).toEqual([]);
    expect(codes('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', { username: 'AWS', token: 'x' })).toEqual(['ecr_token_expires']);
    expect(codes('europe-docker.pkg.dev/p/r/app:1', { username: 'oauth2accesstoken', token: 'ya29.x' })).toEqual(['gcp_access_token_expires']);
    expect(codes('europe-docker.pkg.dev/p/r/app:1', { username: '_json_key', token: '{}' })).toEqual([]);
    expect(codes('hub.docker.com/library/ubuntu:22.04', null)).toEqual(['docker_hub_address']);
    expect(codes('docker.io/library/ubuntu:22.04', null)).toEqual([]);
  });

  it('never quotes the token', () => {
    const warnings = templateWarnings(ImageReference.parse('ghcr.io/acme/app:1'), { username: 'me', token: 'github_pat_SECRET123' });
    expect(JSON.stringify(warnings)).not.toContain('SECRET123');
  });

  it('warns about the moving latest tag, never about other tags or digests', () => {
    expect(codes('ghcr.io/acme/app:latest', null)).toEqual(['mutable_tag']);
    expect(codes('ghcr.io/acme/app:1.0', null)).toEqual([]);
    expect(codes(`ghcr.io/acme/app:latest@sha256:${'a'.repeat(64)}`, null)).toEqual([]);
    expect(codes(`ghcr.io/acme/app@sha256:${'a'.repeat(64)}`, null)).toEqual([]);
  });
});
