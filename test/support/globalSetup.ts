/**
 * jest globalSetup: starts the shared test environment once per run and publishes its
 * description through TEST_ENV_FILE (jest workers inherit the variable).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TEST_ENV_FILE_VARIABLE, TestEnvironment, startTestEnvironment } from './environment';

/** Handed to globalTeardown, which jest runs in this same process. */
export const RUNNING_ENVIRONMENT = Symbol.for('airuntime-templates.test-environment');

export default async function globalSetup(): Promise<void> {
  const environment = await startTestEnvironment();
  (globalThis as Record<symbol, TestEnvironment | undefined>)[RUNNING_ENVIRONMENT] = environment;
  const file = path.join(environment.description.baseDir, 'environment.json');
  await fs.writeFile(file, JSON.stringify(environment.description, null, 2));
  process.env[TEST_ENV_FILE_VARIABLE] = file;
  process.stderr.write(
    `\ntest environment up in ${(environment.description.startupMs / 1000).toFixed(1)} s ` +
      `(${TEST_ENV_FILE_VARIABLE}=${file})\n`,
  );
}
