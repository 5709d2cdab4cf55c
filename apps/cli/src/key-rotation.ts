import { RegistryTokenCipher, SecretContext } from '@app/crypto';
import { StoredTokenCiphertext, TokenRotationRepository } from '@app/db';

export interface RotationReport {
  scanned: number;
  reencrypted: number;
  alreadyCurrent: number;
  /** Changed by a concurrent update while being rotated (their new secret is already current). */
  changedMeanwhile: number;
  failed: number;
}

const PAGE = 200;

/** One kind of stored secret: how to page through it, swap one, and what its encryption is bound to. */
interface SecretSource<R extends StoredTokenCiphertext> {
  /** For log lines: `template`, `registry credential`. */
  noun: string;
  list(afterId: string | null, limit: number): Promise<R[]>;
  replace(id: string, previous: Uint8Array, next: Buffer): Promise<boolean>;
  context(row: R): SecretContext;
}

/**
 * Re-encrypts every stored registry token under the primary key (the first of
 * TOKEN_ENCRYPTION_KEYS, or the KMS key). Safe while the service runs: each row is swapped
 * only if its ciphertext did not change meanwhile. Resumable: rows already under the primary
 * key are left alone, so running it again finishes what an interrupted run started.
 */
export function rotateRegistryTokens(repository: TokenRotationRepository, cipher: RegistryTokenCipher, log: (line: string) => void) {
  return rotate(
    {
      noun: 'template',
      list: (afterId, limit) => repository.listTokenCiphertexts(afterId, limit),
      replace: (id, previous, next) => repository.replaceTokenCiphertext(id, previous, next),
      context: (row) => ({ orgId: row.orgId, templateId: row.id }),
    },
    cipher,
    log,
  );
}

/** The same for the registry credentials' secrets (basic secrets and AWS secret access keys). */
export function rotateCredentialSecrets(repository: TokenRotationRepository, cipher: RegistryTokenCipher, log: (line: string) => void) {
  return rotate(
    {
      noun: 'registry credential',
      list: (afterId, limit) => repository.listCredentialCiphertexts(afterId, limit),
      replace: (id, previous, next) => repository.replaceCredentialCiphertext(id, previous, next),
      context: (row) => ({ orgId: row.orgId, credentialId: row.id, kind: row.kind }),
    },
    cipher,
    log,
  );
}

async function rotate<R extends StoredTokenCiphertext>(
  source: SecretSource<R>,
  cipher: RegistryTokenCipher,
  log: (line: string) => void,
): Promise<RotationReport> {
  const report: RotationReport = { scanned: 0, reencrypted: 0, alreadyCurrent: 0, changedMeanwhile: 0, failed: 0 };
  let afterId: string | null = null;
  for (;;) {
    const page = await source.list(afterId, PAGE);
    if (page.length === 0) break;
    for (const row of page) {
      report.scanned++;
      try {
        const next = await cipher.reencryptUnderPrimary(row.ciphertext, source.context(row));
        if (!next) report.alreadyCurrent++;
        else if (await source.replace(row.id, row.ciphertext, next)) report.reencrypted++;
        else report.changedMeanwhile++;
      } catch (error) {
        report.failed++;
        log(`${source.noun} ${row.id}: ${(error as Error).message}`);
      }
    }
    afterId = page[page.length - 1].id;
    log(`… ${report.scanned} ${source.noun}s scanned`);
  }
  return report;
}
