import { RegistryTokenCipher, WebhookSecretCipher } from '@app/crypto';
import { StoredTokenCiphertext, TokenRotationRepository } from '@app/db';

export interface RotationReport {
  scanned: number;
  reencrypted: number;
  alreadyCurrent: number;
  /** Changed by a concurrent update while being rotated (their new secret is already current). */
  changedMeanwhile: number;
  failed: number;
}

/** One kind of stored secret: how to page through it, re-encrypt one, and swap it. */
interface SecretSource<R extends StoredTokenCiphertext> {
  label: string;
  list(afterId: string | null, limit: number): Promise<R[]>;
  reencrypt(row: R): Promise<Buffer | null>;
  replace(id: string, previous: Uint8Array, next: Buffer): Promise<boolean>;
}

const PAGE = 200;

/**
 * Re-encrypts every stored secret of one kind under the primary key (the first of
 * TOKEN_ENCRYPTION_KEYS, or the KMS key). Safe while the service runs: each row is swapped
 * only if its ciphertext did not change meanwhile. Resumable: rows already under the primary
 * key are left alone, so running it again finishes what an interrupted run started.
 */
async function rotate<R extends StoredTokenCiphertext>(source: SecretSource<R>, log: (line: string) => void): Promise<RotationReport> {
  const report: RotationReport = { scanned: 0, reencrypted: 0, alreadyCurrent: 0, changedMeanwhile: 0, failed: 0 };
  let afterId: string | null = null;
  for (;;) {
    const page = await source.list(afterId, PAGE);
    if (page.length === 0) break;
    for (const row of page) {
      report.scanned++;
      try {
        const next = await source.reencrypt(row);
        if (!next) report.alreadyCurrent++;
        else if (await source.replace(row.id, row.ciphertext, next)) report.reencrypted++;
        else report.changedMeanwhile++;
      } catch (error) {
        report.failed++;
        log(`${source.label} ${row.id}: ${(error as Error).message}`);
      }
    }
    afterId = page[page.length - 1].id;
    log(`… ${report.scanned} ${source.label}s scanned`);
  }
  return report;
}

/** Registry tokens of templates. */
export function rotateRegistryTokens(repository: TokenRotationRepository, cipher: RegistryTokenCipher, log: (line: string) => void): Promise<RotationReport> {
  return rotate(
    {
      label: 'template',
      list: (afterId, limit) => repository.listTokenCiphertexts(afterId, limit),
      reencrypt: (row) => cipher.reencryptUnderPrimary(row.ciphertext, { orgId: row.orgId, templateId: row.id }),
      replace: (id, previous, next) => repository.replaceTokenCiphertext(id, previous, next),
    },
    log,
  );
}

/** The registry credentials' secrets (basic secrets and AWS secret access keys). */
export function rotateCredentialSecrets(repository: TokenRotationRepository, cipher: RegistryTokenCipher, log: (line: string) => void): Promise<RotationReport> {
  return rotate(
    {
      label: 'registry credential',
      list: (afterId, limit) => repository.listCredentialCiphertexts(afterId, limit),
      reencrypt: (row) => cipher.reencryptUnderPrimary(row.ciphertext, { orgId: row.orgId, credentialId: row.id, kind: row.kind }),
      replace: (id, previous, next) => repository.replaceCredentialCiphertext(id, previous, next),
    },
    log,
  );
}

/** Signing secrets of webhooks. */
export function rotateWebhookSecrets(repository: TokenRotationRepository, cipher: WebhookSecretCipher, log: (line: string) => void): Promise<RotationReport> {
  return rotate(
    {
      label: 'webhook',
      list: (afterId, limit) => repository.listWebhookSecretCiphertexts(afterId, limit),
      reencrypt: (row) => cipher.reencryptUnderPrimary(row.ciphertext, { orgId: row.orgId, webhookId: row.id }),
      replace: (id, previous, next) => repository.replaceWebhookSecretCiphertext(id, previous, next),
    },
    log,
  );
}
