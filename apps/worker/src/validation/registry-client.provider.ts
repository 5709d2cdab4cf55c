import { readFileSync } from 'node:fs';
import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigError } from '@app/config';
import { HostGate, RegistryClient, RegistryClientOptions } from '@app/oci';
import { REGISTRY_HOST_GATE } from '@app/queue';

/**
 * One RegistryClient per worker process: it pools connections and caches registry tokens; it
 * knows the fleet's GPU driver; its requests go through the host gate all workers share.
 */
export const registryClientProvider: Provider = {
  provide: RegistryClient,
  inject: [APP_CONFIG, REGISTRY_HOST_GATE],
  useFactory: (config: AppConfig, hostGate: HostGate) => new RegistryClient({ ...registryClientOptions(config), hostGate }),
};

/**
 * The registry client's settings from the config. The development demo registry of `npm start`
 * (config.demoRegistry, which the config never sets with NODE_ENV=production) is allowed
 * although it is on loopback, and its CA is trusted, in addition to REGISTRY_* settings.
 */
export function registryClientOptions(config: AppConfig): RegistryClientOptions {
  const demo = config.demoRegistry;
  const caPems = [
    config.registry.caFile ? readCaFile('REGISTRY_CA_FILE', config.registry.caFile, 'could not be read') : undefined,
    demo ? readCaFile('DEMO_REGISTRY', demo.caFile, `is set, but the demo registry's CA ${demo.caFile} (written by npm start) could not be read`) : undefined,
  ].filter((pem): pem is string => pem !== undefined);
  return {
    egress: {
      allowedPrivateHosts: demo ? [...config.registry.allowedPrivateHosts, demo.host] : config.registry.allowedPrivateHosts,
      insecureHosts: config.registry.insecureHosts,
    },
    caPem: caPems.length > 0 ? caPems.join('\n') : undefined,
    timeouts: {
      connectTimeoutMs: config.registry.connectTimeoutMs,
      headersTimeoutMs: config.registry.requestTimeoutMs,
      totalTimeoutMs: config.registry.totalTimeoutMs,
    },
    maxSocketsPerHost: Math.max(16, config.validation.concurrency),
    gpuDriverVersion: config.gpu.driverVersion,
  };
}

function readCaFile(variable: string, file: string, problem: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(variable, `${problem}: ${(error as Error).message}`);
  }
}
