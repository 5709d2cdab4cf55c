import { readFileSync } from 'node:fs';
import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigError } from '@app/config';
import { HostGate, RegistryClient } from '@app/oci';
import { REGISTRY_HOST_GATE } from '@app/queue';

/**
 * One RegistryClient per worker process: it pools connections and caches registry tokens; it
 * knows the fleet's GPU driver; its requests go through the host gate all workers share.
 */
export const registryClientProvider: Provider = {
  provide: RegistryClient,
  inject: [APP_CONFIG, REGISTRY_HOST_GATE],
  useFactory: (config: AppConfig, hostGate: HostGate) =>
    new RegistryClient({
      egress: {
        allowedPrivateHosts: config.registry.allowedPrivateHosts,
        insecureHosts: config.registry.insecureHosts,
      },
      caPem: config.registry.caFile ? readCaFile(config.registry.caFile) : undefined,
      timeouts: {
        connectTimeoutMs: config.registry.connectTimeoutMs,
        headersTimeoutMs: config.registry.requestTimeoutMs,
        totalTimeoutMs: config.registry.totalTimeoutMs,
      },
      maxSocketsPerHost: Math.max(16, config.validation.concurrency),
      gpuDriverVersion: config.gpu.driverVersion,
      hostGate,
    }),
};

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('REGISTRY_CA_FILE', `could not be read: ${(error as Error).message}`);
  }
}
