import { randomBytes, randomUUID } from 'node:crypto';
import { newAwsKeys } from './support/aws/aws-ecr-endpoint';
import { EcrFixture, startEcrFixture } from './support/aws/ecr-fixture';
import { httpRequest } from './support/built/api-client';
import { CanaryUser, createCanaryUser, findCanary } from './support/built/canary';
import { createProcessSystem, ProcessSystem } from './support/built/process-system';
import { waitForFinalStates } from './support/built/template-rows';
import { loadTestEnvironment } from './support/environment';
import { imageReference } from './support/images/image-description';
import { allocateRedisDatabase, createIsolatedDatabase } from './support/isolated-stores';
import { awsEcrCredentialBody, basicCredentialBody } from './support/registry-credential-requests';
import { validTemplateBody } from './support/template-requests';

/**
 * Credential secrets and AWS secret access keys are canaries: after creates, validations
 * (passing and failing), rotations and reads by the built API and worker processes, they
 * appear in no response, log line, error message, job payload, Redis key or value, or
 * database column in the clear.
 */
describe('registry credential secrets stay secret (built processes)', () => {
  const env = loadTestEnvironment();
  let ecr: EcrFixture;
  let system: ProcessSystem;
  let canaryUser: CanaryUser;
  let databaseUrl: string;
  let redisUrl: string;

  beforeAll(async () => {
    ecr = await startEcrFixture(env);
    [databaseUrl, redisUrl] = await Promise.all([createIsolatedDatabase(env), allocateRedisDatabase(env)]);
    // debug: the most the processes ever log
    system = await createProcessSystem(env, { databaseUrl, redisUrl, env: { ...ecr.productEnv, LOG_LEVEL: 'debug' } });
    await Promise.all([system.startApi(), system.startWorker()]);
    canaryUser = await createCanaryUser(env, 'cred-canary');
  });
  afterAll(async () => {
    await system?.close();
    await ecr?.stop();
  });

  /** A secret access key of the right shape that is a canary: 40 characters, unique to this run. */
  const awsCanary = () => `CANARYaws${randomBytes(24).toString('base64').replace(/[+/=]/g, 'x')}`.slice(0, 40);

  it('leaves no trace of a basic secret or an AWS secret key anywhere', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const api = system.api;
    const working = { ...newAwsKeys(), secretAccessKey: awsCanary() };
    ecr.aws.addUser(working);
    const refused = { ...newAwsKeys(), secretAccessKey: awsCanary() };
    ecr.aws.addUser({ accessKeyId: refused.accessKeyId, secretAccessKey: newAwsKeys().secretAccessKey }); // another secret: signatures fail
    const basicCanary = canaryUser.canary;

    const basic = await api.createCredential(org, basicCredentialBody({ registry: env.registries.token.host, username: canaryUser.username, secret: basicCanary }));
    const aws = await api.createCredential(
      org,
      awsEcrCredentialBody({ registry: ecr.registry.host, aws_region: 'eu-west-1', aws_access_key_id: working.accessKeyId, aws_secret_access_key: working.secretAccessKey }),
    );
    const wrong = await api.createCredential(
      org,
      awsEcrCredentialBody({ registry: ecr.registry.host, aws_region: 'eu-west-1', aws_access_key_id: refused.accessKeyId, aws_secret_access_key: refused.secretAccessKey }),
    );
    expect([basic.status, aws.status, wrong.status]).toEqual([201, 201, 201]);

    const templates = await Promise.all([
      api.create(org, validTemplateBody({ image: imageReference(env.registries.token, env.images.cudaApp), registry_credential_id: basic.body.id })),
      api.create(org, validTemplateBody({ image: ecr.imageRef, registry_credential_id: aws.body.id })),
      api.create(org, validTemplateBody({ image: ecr.imageRef, registry_credential_id: wrong.body.id })),
    ]);
    const ids = templates.map((t) => t.body.id as string);
    const first = await waitForFinalStates(databaseUrl, ids);
    expect(first.map((row) => row.status)).toEqual(['Active', 'Active', 'Inactive']);

    // rotation (the same secrets again), and every read
    await api.patchCredential(org, basic.body.id, { secret: basicCanary });
    await api.patchCredential(org, aws.body.id, { aws_access_key_id: working.accessKeyId, aws_secret_access_key: working.secretAccessKey });
    await api.patchCredential(org, wrong.body.id, { aws_access_key_id: refused.accessKeyId, aws_secret_access_key: refused.secretAccessKey });
    await waitForFinalStates(databaseUrl, ids);
    await api.listCredentials(org);
    for (const id of [basic.body.id, aws.body.id, wrong.body.id]) await api.getCredential(org, id);
    for (const id of ids) await api.get(org, id);
    await api.list(org);

    // the secrets did reach the registry and AWS
    expect(await canaryUser.issuedTokens()).toBeGreaterThan(0);
    expect(ecr.aws.requests.some((r) => r.accessKeyId === working.accessKeyId && r.outcome === 'ok')).toBe(true);
    expect(ecr.aws.requests.some((r) => r.accessKeyId === refused.accessKeyId && r.outcome === 'InvalidSignatureException')).toBe(true);

    const metrics = await Promise.all(system.services.map(async (service) => (await httpRequest('GET', `${service.url}/metrics`)).text));
    for (const canary of [basicCanary, working.secretAccessKey, refused.secretAccessKey]) {
      const places = { services: system.services, responses: [...api.responses, ...metrics], redisUrls: [redisUrl], databaseUrls: [databaseUrl] };
      expect({ canary, found: await findCanary(canary, places) }).toEqual({ canary, found: [] });
    }
  });
});
