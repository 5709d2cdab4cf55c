import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { createLogger } from '@app/common';
import { createWorkerApp } from './create-worker-app';

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const logger = createLogger(config, 'worker');
  const app = await createWorkerApp(config, logger);
  // SIGTERM/SIGINT: stop taking jobs, let in-flight validations finish, then exit. Once: a
  // second signal (Ctrl-C reaches the process group, then the supervisor's SIGTERM) waits for it.
  let shuttingDown = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
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
