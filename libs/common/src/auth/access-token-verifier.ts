import { Inject, Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  JSONWebKeySet,
  JWTPayload,
  jwtVerify,
  JWTVerifyGetKey,
} from 'jose';
import { APP_CONFIG, AppConfig, ConfigError } from '@app/config';
import { DomainError, ErrorCode } from '../domain-error';
import { Caller } from './caller';
import { DEV_ISSUER } from './dev-auth-keys';

/** Asymmetric algorithms only: an HMAC secret shared with clients could mint tokens. */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Verified tokens are remembered this long at most (never past their exp)... */
const VERIFIED_CACHE_MS = 60_000;
/** ...and this many at most, least recently used dropped first. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Injection token: where the JWKS comes from (file, URL, or the generated dev key set). */
export const JWKS_SOURCE = Symbol('JWKS_SOURCE');
export interface JwksSource {
  jwksUrl?: string;
  jwksFile?: string;
}

/** Verifies the spec's BearerAuth access tokens and turns them into a Caller. */
@Injectable()
export class AccessTokenVerifier {
  private readonly getKey: JWTVerifyGetKey;
  private readonly issuer?: string;
  /**
   * Signature checks (RS256) were the largest CPU cost of a GET: a client reuses its token
   * for many requests, so a successful verification is remembered until the token expires
   * or for a minute, whichever is sooner.
   */
  private readonly verified = new LRUCache<string, Caller>({ max: VERIFIED_CACHE_SIZE, ttlAutopurge: false });

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWKS_SOURCE) source: JwksSource,
  ) {
    this.getKey = AccessTokenVerifier.keySet(source);
    this.issuer = config.auth.issuer ?? (source.jwksFile && !config.auth.jwksFile ? DEV_ISSUER : undefined);
  }

  private static keySet(source: JwksSource): JWTVerifyGetKey {
    if (source.jwksUrl) {
      return createRemoteJWKSet(new URL(source.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    }
    if (!source.jwksFile) throw new ConfigError('AUTH_JWKS_FILE', 'or AUTH_JWKS_URL must be set');
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(readFileSync(source.jwksFile, 'utf8')) as JSONWebKeySet;
    } catch (error) {
      throw new ConfigError('AUTH_JWKS_FILE', `could not be read as a JWKS file: ${(error as Error).message}`);
    }
    if (!Array.isArray(jwks?.keys)) throw new ConfigError('AUTH_JWKS_FILE', 'must hold a JSON object with a "keys" array');
    return createLocalJWKSet(jwks);
  }

  /** `authorization` is the raw header value; throws DomainError(unauthorized) on any problem. */
  async verify(authorization: string | undefined): Promise<Caller> {
    const token = this.extractToken(authorization);
    const remembered = this.verified.get(token);
    if (remembered) return remembered;
    const { caller, expiresAt } = await this.verifyToken(token);
    this.remember(token, caller, expiresAt);
    return caller;
  }

  private remember(token: string, caller: Caller, expiresAtMs: number | undefined): void {
    const ttl = Math.min(VERIFIED_CACHE_MS, (expiresAtMs ?? Infinity) - Date.now());
    if (ttl >= 1) this.verified.set(token, caller, { ttl: Math.floor(ttl) });
  }

  private async verifyToken(token: string): Promise<{ caller: Caller; expiresAt?: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        algorithms: ALLOWED_ALGORITHMS,
        issuer: this.issuer,
        audience: this.config.auth.audience,
        clockTolerance: 30,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout || (error as { name?: string })?.name === 'TypeError') {
        // The key set could not be fetched: our problem, not the caller's token.
        throw new DomainError(ErrorCode.Unavailable, 'Access token could not be verified right now; retry shortly');
      }
      throw new DomainError(ErrorCode.Unauthorized, describeJoseError(error));
    }
    const subject = typeof payload.sub === 'string' ? payload.sub : '';
    if (!subject) throw new DomainError(ErrorCode.Unauthorized, 'Access token has no subject (sub) claim');
    const orgsClaim = (payload as Record<string, unknown>)[this.config.auth.orgsClaim];
    const orgs = Array.isArray(orgsClaim) ? orgsClaim.filter((org): org is string => typeof org === 'string') : [];
    return {
      caller: { subject, userId: UUID.test(subject) ? subject.toLowerCase() : null, orgs: new Set(orgs) },
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
    };
  }

  private extractToken(authorization: string | undefined): string {
    if (!authorization) {
      throw new DomainError(ErrorCode.Unauthorized, 'Missing Authorization header: send "Authorization: Bearer <access_token>"');
    }
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) {
      throw new DomainError(ErrorCode.Unauthorized, 'Authorization header must be "Bearer <access_token>"');
    }
    const token = match[1].trim();
    if (/^Bearer\s/i.test(token)) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        'Authorization header says "Bearer" twice: paste only the access_token, without prepending "Bearer"',
      );
    }
    if (token.startsWith('sk-nc-')) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        'Inference keys (sk-nc-*) are not accepted here: use the access_token from POST /api/v1/auth/login',
      );
    }
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      throw new DomainError(ErrorCode.Unauthorized, 'Access token is malformed: expected a JWT (three dot-separated parts)');
    }
    return token;
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'Access token has expired: log in again for a new access_token';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `Access token rejected: ${error.claim} claim is not valid`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'Access token rejected: signing algorithm not allowed';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'Access token rejected: signed by an unknown key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'Access token rejected: bad signature';
  return 'Access token is invalid';
}
