import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Infrastructure stays inside its library: the database client only in libs/db, BullMQ and
 * Redis connections only in libs/queue, Nest never in libs/oci; and no source file grows
 * past 300 lines. Reads files only.
 */

const ROOT = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !file.includes('/generated/'));
}

const FILES = [...sourceFiles('apps'), ...sourceFiles('libs')];
const text = new Map(FILES.map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8')]));

/** Files outside `library` whose text matches `pattern`. */
function usesOutside(library: string, pattern: RegExp): string[] {
  return FILES.filter((file) => !file.startsWith(`${library}/`) && pattern.test(text.get(file)!));
}

describe('library boundaries', () => {
  it('only libs/db talks to Postgres (Prisma client, raw SQL, the pg pool)', () => {
    expect(usesOutside('libs/db', /\$queryRaw|\$executeRaw|PrismaService|PrismaClient|generated\/prisma|from 'pg'/)).toEqual([]);
    expect(text.get('libs/db/src/index.ts')).not.toMatch(/prisma\.service/);
  });

  it('only libs/queue creates BullMQ objects and Redis connections', () => {
    expect(usesOutside('libs/queue', /from 'bullmq'|new IORedis|import IORedis/)).toEqual([]);
  });

  it('the AWS SDK clients for ECR and STS are loaded only on first use, only by the worker', () => {
    const users = FILES.filter((file) => /@aws-sdk\/client-(ecr|sts)/.test(text.get(file)!));
    expect(users).toEqual(['apps/worker/src/credentials/ecr-authorization.ts']);
    const source = text.get(users[0])!;
    // dynamic import() only: a static import would load ~16 MB at boot of every worker
    expect(source).not.toMatch(/^import[^(]*@aws-sdk\/client-/m);
    expect(source).toMatch(/await import\('@aws-sdk\/client-ecr'\)/);
  });

  it('libs/oci stays free of Nest', () => {
    expect(FILES.filter((file) => file.startsWith('libs/oci/') && /from '@nestjs\/|from '@app\/common'/.test(text.get(file)!))).toEqual([]);
  });

  it('no source file is over 300 lines (unit specs of libraries aside)', () => {
    // Being rewritten elsewhere: the socket layer (onto undici) and the hand-written OpenAPI document.
    const pending = new Set(['libs/oci/src/http-transport.ts', 'apps/api/src/openapi/openapi-document.ts']);
    const long = FILES.filter((file) => !pending.has(file) && !(file.startsWith('libs/') && file.endsWith('.spec.ts')))
      .map((file) => ({ file, lines: text.get(file)!.split('\n').length - 1 }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });
});
