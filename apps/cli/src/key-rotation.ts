import { RegistryTokenCipher } from '@app/crypto';
import { TokenRotationRepository } from '@app/db';

export interface RotationReport {
  scanned: number;
  reencrypted: number;
  alreadyCurrent: number;
  /** Changed by a concurrent update while being rotated (their new token is already current). */
  changedMeanwhile: number;
  failed: number;
}

const PAGE = 200;

/**
 * Re-encrypts every stored registry token under the primary key (the first of
 * TOKEN_ENCRYPTION_KEYS, or the KMS key). Safe while the service runs: each row is swapped
 * only if its ciphertext did not change meanwhile. Resumable: rows already under the primary
 * key are left alone, so running it again finishes what an interrupted run started.
 */
export async function rotateRegistryTokens(
  templates: TokenRotationRepository,
  cipher: RegistryTokenCipher,
  log: (line: string) => void,
): Promise<RotationReport> {
  const report: RotationReport = { scanned: 0, reencrypted: 0, alreadyCurrent: 0, changedMeanwhile: 0, failed: 0 };
  let afterId: string | null = null;
  for (;;) {
    const page = await templates.listTokenCiphertexts(afterId, PAGE);
    if (page.length === 0) break;
    for (const row of page) {
      report.scanned++;
      try {
        const next = await cipher.reencryptUnderPrimary(row.ciphertext, { orgId: row.orgId, templateId: row.id });
        if (!next) report.alreadyCurrent++;
        else if (await templates.replaceTokenCiphertext(row.id, row.ciphertext, next)) report.reencrypted++;
        else report.changedMeanwhile++;
      } catch (error) {
        report.failed++;
        log(`template ${row.id}: ${(error as Error).message}`);
      }
    }
    afterId = page[page.length - 1].id;
    log(`… ${report.scanned} scanned`);
  }
  return report;
}
