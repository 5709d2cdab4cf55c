import { UnsecuredJWT } from 'jose';
import { expiryWarnings, registryCredentialWarnings, templateWarnings } from './template-warnings';
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

  it('warns when the token carries an expiry less than 7 days away, and only then', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const jwt = (exp: string) => new UnsecuredJWT({}).setExpirationTime(new Date(exp)).encode();
    const image = ImageReference.parse('registry.example.com/app:1');
    expect(templateWarnings(image, { username: 'u', token: jwt('2026-12-04T00:00:00Z') }, now)).toEqual([
      { code: 'credentials_expire_soon', message: 'The secret expires at 2026-12-04T00:00:00.000Z (in 3 days): set a new one before then' },
    ]);
    expect(templateWarnings(image, { username: 'u', token: jwt('2026-12-09T00:00:00Z') }, now)).toEqual([]);
    expect(expiryWarnings(new Date('2026-11-30T00:00:00Z'), now)[0].message).toMatch(/expired at 2026-11-30.*credentials_expired/);
    expect(expiryWarnings(null, now)).toEqual([]);
  });

  it('checks a basic registry credential against the same conventions', () => {
    expect(registryCredentialWarnings('nvcr.io', { username: 'me', token: 'k' }).map((w) => w.code)).toEqual(['nvcr_username']);
    expect(registryCredentialWarnings('quay.io', { username: 'me', token: 'k' })).toEqual([]);
  });
});
