import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { createLogger } from '@app/common';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfig('api');
  const logger = createLogger(config, 'api');
  const app = await createApiApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info({ port: config.http.port, devMode: config.devMode }, 'API listening');
}

main().catch((error: Error) => {
  // Boot failures (e.g. a bad configuration variable) stop the process with a clear message.
  process.stderr.write(`api failed to start: ${error.message}\n`);
  process.exit(1);
});
