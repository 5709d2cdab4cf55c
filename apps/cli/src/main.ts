import 'reflect-metadata';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@app/config';
import { RegistryTokenCipher, WebhookSecretCipher } from '@app/crypto';
import { migrate, TokenRotationRepository } from '@app/db';
import { issueDevToken } from './dev-token';
import { KeyRotationModule } from './key-rotation.module';
import { RotationReport, rotateRegistryTokens, rotateWebhookSecrets } from './key-rotation';

/**
 * Operator commands: `migrate` (npm run db:migrate), `token` (npm run token) and
 * `rotate-keys` (npm run keys:rotate).
 */
const USAGE = `usage:
  migrate                                   apply prisma/migrations to DATABASE_URL
  token --org <id> [--org <id>…] [--sub <uuid>] [--expires 12h]
                                            print a development access token
  rotate-keys                               re-encrypt stored registry tokens and webhook secrets under the primary key`;

/** The project's prisma/migrations, from the source tree or from dist/. */
function findUp(start: string, relative: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${start}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'migrate': {
      const config = loadConfig('migrate');
      const migrationsDir = findUp(__dirname, 'prisma/migrations');
      const result = await migrate(config.database.url, migrationsDir, (line) => process.stdout.write(`${line}\n`));
      process.stdout.write(
        `migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already up to date\n`,
      );
      return;
    }
    case 'token': {
      const { values } = parseArgs({
        args: rest,
        options: { org: { type: 'string', multiple: true }, sub: { type: 'string' }, expires: { type: 'string' } },
      });
      if (!values.org?.length) throw new Error(`--org is required\n${USAGE}`);
      const config = loadConfig('token');
      process.stdout.write(`${await issueDevToken(config, { orgs: values.org, subject: values.sub, expiresIn: values.expires })}\n`);
      return;
    }
    case 'rotate-keys': {
      const config = loadConfig('rotate-keys');
      const app = await NestFactory.createApplicationContext(KeyRotationModule.forRoot(config), { logger: ['error'] });
      try {
        const log = (line: string) => process.stdout.write(`${line}\n`);
        const repository = app.get(TokenRotationRepository);
        const tokens = await rotateRegistryTokens(repository, app.get(RegistryTokenCipher), log);
        process.stdout.write(`keys:rotate: ${describeRotation(tokens, 'tokens')}\n`);
        const secrets = await rotateWebhookSecrets(repository, app.get(WebhookSecretCipher), log);
        process.stdout.write(`keys:rotate: ${describeRotation(secrets, 'webhook secrets')}\n`);
        if (tokens.failed + secrets.failed > 0) process.exitCode = 1;
      } finally {
        await app.close();
      }
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

function describeRotation(report: RotationReport, what: string): string {
  return (
    `${report.scanned} ${what} scanned, ${report.reencrypted} re-encrypted, ${report.alreadyCurrent} already under the primary key, ` +
    `${report.changedMeanwhile} changed meanwhile, ${report.failed} failed`
  );
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
