/**
 * An "ECR" of the suite's own: the test AWS endpoint (ECR GetAuthorizationToken, STS
 * AssumeRole) and a real docker-registry whose htpasswd user `AWS` has the password that
 * endpoint hands out, holding the cudaApp image; plus the settings that point the product's
 * worker at them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { registryTarget, TestEnvironmentDescription } from '../environment';
import { ImageDescription, imageReference } from '../images/image-description';
import { pushImage } from '../images/push-image';
import { STANDARD_IMAGE_SPECS } from '../images/standard-images';
import { registryAccessEnv } from '../product-env';
import { RegistryInstance, startRegistry } from '../services/registry';
import { sharedCertificates } from '../services/tls';
import { AwsEcrEndpoint, startAwsEcrEndpoint } from './aws-ecr-endpoint';

export interface EcrFixture {
  aws: AwsEcrEndpoint;
  registry: RegistryInstance;
  /** `127.0.0.1:PORT/gpu/cuda-app:1.0` on that registry. */
  imageRef: string;
  image: ImageDescription;
  /** AWS_ENDPOINT_URL_ECR/STS, AWS_CA_BUNDLE, and registry access including this registry. */
  productEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startEcrFixture(env: TestEnvironmentDescription): Promise<EcrFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'airt-ecr-'));
  const certificates = sharedCertificates(env);
  const aws = await startAwsEcrEndpoint({ tls: certificates });
  let registry: RegistryInstance | undefined;
  const stop = async () => {
    await registry?.stop();
    await aws.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    registry = await startRegistry(dir, { certificates, name: 'registry-ecr', auth: { mode: 'basic', users: [{ username: 'AWS', password: aws.password }] } });
    const image = await pushImage(registryTarget(registry), STANDARD_IMAGE_SPECS.cudaApp);
    const access = registryAccessEnv(env);
    return {
      aws,
      registry,
      image,
      imageRef: imageReference(registry, image),
      productEnv: {
        ...access,
        REGISTRY_ALLOWED_PRIVATE_HOSTS: `${access.REGISTRY_ALLOWED_PRIVATE_HOSTS},${registry.host}`,
        AWS_ENDPOINT_URL_ECR: aws.url,
        AWS_ENDPOINT_URL_STS: aws.url,
        AWS_CA_BUNDLE: env.caFile,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
