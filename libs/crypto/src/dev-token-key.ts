import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RawAesKey } from '@app/config';

/**
 * Development-only raw AES key under DATA_DIR, shared by the API and the worker started by
 * `npm start`. Never used when NODE_ENV=production.
 */
export async function loadOrCreateDevKey(dataDir: string): Promise<RawAesKey> {
  const file = path.join(dataDir, 'dev-token-key.json');
  try {
    const { id, key } = JSON.parse(await readFile(file, 'utf8')) as { id: string; key: string };
    return { id, key: Buffer.from(key, 'base64') };
  } catch {
    // first run: create it below
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const created = { id: 'dev-1', key: randomBytes(32).toString('base64') };
  // Write aside, then link into place: link fails if the API and the worker raced and the
  // other one won, and a reader never sees a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(created), { mode: 0o600 });
  try {
    await link(temporary, file);
  } catch {
    return loadOrCreateDevKey(dataDir);
  } finally {
    await unlink(temporary);
  }
  return { id: created.id, key: Buffer.from(created.key, 'base64') };
}
