import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

/** A test identity provider: an RS256 key pair whose public half is served as a JWKS file. */
export interface TestIdentityProvider {
  jwksFile: string;
  issuer: string;
  audience: string;
  /** A valid access token for these orgs (sub defaults to a fresh UUID). */
  token(orgs: string[], claims?: { sub?: string; expiresIn?: string | number; issuer?: string; audience?: string }): Promise<string>;
  /** Signs with a key that is NOT in the JWKS. */
  foreignToken(orgs: string[]): Promise<string>;
}

export async function createIdentityProvider(): Promise<TestIdentityProvider> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idp-'));
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }));
  const issuer = 'https://idp.test.local/';
  const audience = 'airuntime-templates';

  const sign = (key: KeyLike, kid: string, orgs: string[], claims: Parameters<TestIdentityProvider['token']>[1] = {}) =>
    new SignJWT({ orgs })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject(claims.sub ?? randomUUID())
      .setIssuer(claims.issuer ?? issuer)
      .setAudience(claims.audience ?? audience)
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? '1h')
      .sign(key);

  return {
    jwksFile,
    issuer,
    audience,
    token: (orgs, claims) => sign(privateKey, 'test-1', orgs, claims),
    foreignToken: (orgs) => sign(foreign.privateKey, 'test-1', orgs),
  };
}
