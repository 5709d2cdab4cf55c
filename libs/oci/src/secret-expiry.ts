import { decodeJwt } from 'jose';

/**
 * When a registry secret stops working, for the secrets that say so themselves:
 * - a JWT (many registries' access tokens, identity tokens): its `exp` claim;
 * - an Amazon ECR password (`aws ecr get-login-password`, or the part after `AWS:` of
 *   GetAuthorizationToken's authorizationToken): base64 of a JSON object with `payload`,
 *   `datakey`, `version`, `type` and `expiration` (Unix seconds).
 * Anything else (a classic token, a password) has no known expiry: null. Only the expiry is
 * read; nothing is verified (the registry does that) and nothing of the secret is kept.
 */
export function secretExpiry(secret: string): Date | null {
  return jwtExpiry(secret) ?? ecrPasswordExpiry(secret);
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function jwtExpiry(secret: string): Date | null {
  if (!JWT_SHAPE.test(secret)) return null;
  try {
    return fromUnixSeconds(decodeJwt(secret).exp);
  } catch {
    return null; // three dot-separated parts that are not a JWT
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function ecrPasswordExpiry(secret: string): Date | null {
  if (!BASE64.test(secret)) return null;
  try {
    const decoded = JSON.parse(Buffer.from(secret, 'base64').toString('utf8')) as Record<string, unknown> | null;
    if (!decoded || typeof decoded.payload !== 'string' || typeof decoded.datakey !== 'string') return null;
    return fromUnixSeconds(decoded.expiration);
  } catch {
    return null; // base64, but not the ECR password format
  }
}

function fromUnixSeconds(value: unknown): Date | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}
