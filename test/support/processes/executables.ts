import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Executables the environment needs, with the Debian package that provides each. */
export const REQUIRED_EXECUTABLES = {
  'redis-server': 'redis-server',
  'redis-sentinel': 'redis-sentinel',
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  openssl: 'openssl',
} as const;

export class MissingExecutableError extends Error {
  constructor(executable: string, debianPackage: string, detail = '') {
    super(
      `Missing executable "${executable}"${detail}: install the Debian package with ` +
        `\`apt-get install -y ${debianPackage}\``,
    );
    this.name = 'MissingExecutableError';
  }
}

/** Resolves an executable on PATH (or an absolute path), throwing a MissingExecutableError. */
export async function requireExecutable(executable: string, debianPackage: string): Promise<string> {
  const candidates = executable.includes('/')
    ? [executable]
    : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').map((dir) => path.join(dir, executable));
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // try the next PATH entry
    }
  }
  throw new MissingExecutableError(executable, debianPackage);
}
