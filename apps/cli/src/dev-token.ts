import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importJWK, JWK, SignJWT } from 'jose';
import { AppConfig } from '@app/config';
import { DEV_ISSUER, ensureDevAuthKeys } from '@app/common';

export interface DevTokenOptions {
  orgs: string[];
  subject?: string;
  expiresIn?: string;
}

/** Signs an access token with the development key (what `npm start`'s API trusts). */
export async function issueDevToken(config: AppConfig, options: DevTokenOptions): Promise<string> {
  if (!config.devMode) throw new Error('npm run token issues development tokens only; it is refused when NODE_ENV=production');
  if (config.auth.jwksFile || config.auth.jwksUrl) {
    throw new Error('AUTH_JWKS_FILE/AUTH_JWKS_URL is set: tokens come from your identity provider, not from npm run token');
  }
  const files = await ensureDevAuthKeys(config.dataDir);
  const jwk = JSON.parse(await readFile(files.privateJwkFile, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  const jwt = new SignJWT({ [config.auth.orgsClaim]: options.orgs })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
    .setSubject(options.subject ?? randomUUID())
    .setIssuer(config.auth.issuer ?? DEV_ISSUER)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (config.auth.audience) jwt.setAudience(config.auth.audience);
  return jwt.sign(key);
}
