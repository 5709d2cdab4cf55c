import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, JWK } from 'jose';

/**
 * Development-only signing key for access tokens, kept under DATA_DIR so that `npm start`
 * and `npm run token` agree across restarts. Never used when NODE_ENV=production.
 */
export const DEV_ISSUER = 'airuntime-templates-dev';
const KEY_ID = 'dev-es256';

export interface DevAuthKeyFiles {
  privateJwkFile: string;
  jwksFile: string;
}

export function devAuthKeyFiles(dataDir: string): DevAuthKeyFiles {
  const dir = path.join(dataDir, 'dev-auth');
  return { privateJwkFile: path.join(dir, 'private.jwk.json'), jwksFile: path.join(dir, 'jwks.json') };
}

/** Creates the dev key pair once; returns the path of the public JWKS. */
export async function ensureDevAuthKeys(dataDir: string): Promise<DevAuthKeyFiles> {
  const files = devAuthKeyFiles(dataDir);
  try {
    await readFile(files.jwksFile);
    await readFile(files.privateJwkFile);
    return files;
  } catch {
    // first run: fall through and create them
  }
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'ES256', use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: 'ES256' };
  await mkdir(path.dirname(files.jwksFile), { recursive: true, mode: 0o700 });
  await writeFile(files.privateJwkFile, JSON.stringify(privateJwk), { mode: 0o600 });
  await writeFile(files.jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2));
  return files;
}
