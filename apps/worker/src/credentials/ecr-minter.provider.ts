import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigError } from '@app/config';
import { mintEcrAuthorization } from './ecr-authorization';
import { ECR_MINTER, EcrMinter } from './ecr-password-cache';

/**
 * Mints ECR passwords through the AWS SDK against the configured endpoints. AWS_CA_BUNDLE is
 * read at boot (a bad path stops the worker, naming the variable); the SDK itself is loaded
 * only on the first mint.
 */
export const ecrMinterProvider: Provider = {
  provide: ECR_MINTER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): EcrMinter => {
    const { ecrEndpoint, stsEndpoint, caBundleFile } = config.aws;
    const httpsAgent = caBundleFile ? new Agent({ ca: [...rootCertificates, readCaBundle(caBundleFile)] }) : undefined;
    const endpoints = {
      ecr: ecrEndpoint,
      sts: stsEndpoint,
      httpsAgent,
      connectTimeoutMs: config.registry.connectTimeoutMs,
      requestTimeoutMs: config.registry.requestTimeoutMs,
    };
    return (request) => mintEcrAuthorization(request, endpoints);
  },
};

function readCaBundle(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('AWS_CA_BUNDLE', `could not be read: ${(error as Error).message}`);
  }
}
