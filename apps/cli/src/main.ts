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
import { RotationReport, rotateCredentialSecrets, rotateRegistryTokens, rotateWebhookSecrets } from './key-rotation';

/**
 * Operator commands: `migrate` (npm run db:migrate), `token` (npm run token) and
 * `rotate-keys` (npm run keys:rotate).
 */
const USAGE = `usage:
  migrate                                   apply prisma/migrations to DATABASE_DIRECT_URL (else DATABASE_URL)
  token --org <id> [--org <id>…] [--sub <uuid>] [--expires 12h]
                                            print a development access token
  rotate-keys                               re-encrypt stored registry tokens, credential secrets and webhook secrets under the primary key`;

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
      const result = await migrate(config.database.directUrl, migrationsDir, {
        log: (line) => process.stdout.write(`${line}\n`),
        statementTimeoutMs: config.database.statementTimeoutMs,
      });
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
        const registryCipher = app.get(RegistryTokenCipher);
        const tokens = await rotateRegistryTokens(repository, registryCipher, log);
        log(rotationSummary(tokens, 'tokens'));
        const credentials = await rotateCredentialSecrets(repository, registryCipher, log);
        log(rotationSummary(credentials, 'registry credential secrets'));
        const webhooks = await rotateWebhookSecrets(repository, app.get(WebhookSecretCipher), log);
        log(rotationSummary(webhooks, 'webhook secrets'));
        if (tokens.failed + credentials.failed + webhooks.failed > 0) process.exitCode = 1;
      } finally {
        await app.close();
      }
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

function rotationSummary(report: RotationReport, what: string): string {
  return (
    `keys:rotate: ${report.scanned} ${what} scanned, ${report.reencrypted} re-encrypted, ` +
    `${report.alreadyCurrent} already under the primary key, ${report.changedMeanwhile} changed meanwhile, ${report.failed} failed`
  );
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
