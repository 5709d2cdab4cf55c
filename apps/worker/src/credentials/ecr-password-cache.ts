import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { RegistryCredentialForUse } from '@app/db';
import { RegistryCredentials, secretExpiry } from '@app/oci';
import type { EcrAuthorization, EcrAuthorizationRequest } from './ecr-authorization';

/** Mints one ECR password (ecr-authorization.ts in production; a stub in unit specs). */
export type EcrMinter = (request: EcrAuthorizationRequest) => Promise<EcrAuthorization>;
export const ECR_MINTER = Symbol('ECR_MINTER');

/** A minted password is used until this long before it expires, then minted again. */
export const EXPIRY_MARGIN_MS = 5 * 60 * 1000;
/** When AWS gives no expiry at all (it always does), a password is kept this long. */
const UNKNOWN_EXPIRY_TTL_MS = 60 * 60 * 1000;
const MAX_CREDENTIALS = 1000;

/** How long a minted password may be cached: until five minutes before it expires (0: not at all). */
export function cacheTtlMs(expiresAt: Date | null, now: number): number {
  if (!expiresAt) return UNKNOWN_EXPIRY_TTL_MS;
  return Math.max(0, expiresAt.getTime() - EXPIRY_MARGIN_MS - now);
}

interface CachedAuthorization extends EcrAuthorization {
  /** False when the password expires within the margin: used by the validations that asked, then dropped. */
  cacheable: boolean;
}

interface MintContext {
  credential: RegistryCredentialForUse;
  secretAccessKey: string;
}

/**
 * ECR passwords minted from aws_ecr credentials, kept in this process's memory only (never in
 * the database or Redis) until five minutes before they expire, keyed by credential id and
 * secret version: a second template that uses the same credential mints nothing new, a
 * rotated credential mints afresh, and validations that ask at the same moment share one
 * mint. A failed mint is not cached.
 */
@Injectable()
export class EcrPasswordCache {
  private readonly cache: LRUCache<string, CachedAuthorization, MintContext>;

  constructor(@Inject(ECR_MINTER) private readonly mint: EcrMinter) {
    this.cache = new LRUCache<string, CachedAuthorization, MintContext>({
      max: MAX_CREDENTIALS,
      fetchMethod: async (_key, _stale, { options, context }) => {
        const minted = await this.mint({
          accessKeyId: context.credential.awsAccessKeyId as string,
          secretAccessKey: context.secretAccessKey,
          region: context.credential.awsRegion as string,
          roleArn: context.credential.awsRoleArn,
          externalId: context.credential.awsExternalId,
          sessionName: `airuntime-templates-${context.credential.id.slice(0, 8)}`,
        });
        const ttl = cacheTtlMs(minted.expiresAt ?? secretExpiry(minted.password), Date.now());
        // A ttl of 0 means "forever" to lru-cache: an almost expired password is dropped after its fetch instead.
        options.ttl = Math.max(1, ttl);
        return { ...minted, cacheable: ttl > 0 };
      },
    });
  }

  /** Registry credentials for an aws_ecr credential whose secret access key the caller decrypted. */
  async credentialsFor(credential: RegistryCredentialForUse, secretAccessKey: string): Promise<RegistryCredentials> {
    const key = `${credential.id}:${credential.secretVersion}`;
    const minted = await this.cache.fetch(key, { context: { credential, secretAccessKey } });
    if (!minted) throw new Error('ECR password cache returned nothing'); // fetchMethod never resolves undefined
    if (!minted.cacheable) this.cache.delete(key);
    return { username: minted.username, password: minted.password };
  }
}
