/** Configuration values the tests give the product's processes (in-process and built alike). */
import { randomBytes } from 'node:crypto';
import type { TestEnvironmentDescription } from './environment';

/** Raw AES key for tests, in TOKEN_ENCRYPTION_KEYS form. */
export function testEncryptionKeys(id = 'test-key-1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** Worker settings that let it reach the loopback test registries (and trust their CA). */
export function registryAccessEnv(env: TestEnvironmentDescription): Record<string, string> {
  const { anonymous, basic, token } = env.registries;
  const realmHost = new URL(token.realmUrl).host;
  return {
    REGISTRY_ALLOWED_PRIVATE_HOSTS: [anonymous.host, basic.host, token.host, realmHost].join(','),
    REGISTRY_CA_FILE: env.caFile,
  };
}
