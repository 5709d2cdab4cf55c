/** jest globalTeardown: stops what globalSetup started and removes its temp dir. */
import { TEST_ENV_FILE_VARIABLE, TestEnvironment } from './environment';
import { RUNNING_ENVIRONMENT } from './globalSetup';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Record<symbol, TestEnvironment | undefined>;
  const environment = holder[RUNNING_ENVIRONMENT];
  holder[RUNNING_ENVIRONMENT] = undefined;
  delete process.env[TEST_ENV_FILE_VARIABLE];
  await environment?.stop();
}
