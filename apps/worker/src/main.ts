import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { createLogger } from '@app/common';
import { createWorkerApp } from './create-worker-app';

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const logger = createLogger(config, 'worker');
  const app = await createWorkerApp(config, logger);
  // SIGTERM/SIGINT: stop taking jobs, let in-flight validations finish, then exit.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'worker shutting down');
      app
        .close()
        .then(() => process.exit(0))
        .catch((error: Error) => {
          logger.error({ err: error }, 'worker shutdown failed');
          process.exit(1);
        });
    });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`worker failed to start: ${error.message}\n`);
  process.exit(1);
});
