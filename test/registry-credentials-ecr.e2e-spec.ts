import { AwsEcrEndpoint, newAwsKeys, TEST_AWS_ACCOUNT } from './support/aws/aws-ecr-endpoint';
import { EcrFixture, startEcrFixture } from './support/aws/ecr-fixture';
import { loadTestEnvironment } from './support/environment';
import { startSystem, SystemHarness } from './support/in-process/system-harness';
import { awsEcrCredentialBody, CREDENTIALS_PATH } from './support/registry-credential-requests';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';

/**
 * aws_ecr credentials end to end: the worker mints ECR passwords through the AWS SDK from a
 * local ECR/STS endpoint, and a real docker-registry (htpasswd user `AWS`) accepts them.
 */
describe('aws_ecr registry credentials (e2e)', () => {
  const env = loadTestEnvironment();
  let ecr: EcrFixture;
  let aws: AwsEcrEndpoint;
  let system: SystemHarness;

  beforeAll(async () => {
    ecr = await startEcrFixture(env);
    aws = ecr.aws;
    system = await startSystem(env, { worker: ecr.productEnv });
  });
  afterAll(async () => {
    await system?.close();
    await ecr?.stop();
  });

  /** An org with an aws_ecr credential for the test registry (a pull-through-proxy-like host: region given). */
  async function orgWithCredential(keys: { accessKeyId: string; secretAccessKey: string }, extra: Record<string, unknown> = {}) {
    const org = system.api.newOrg();
    const auth = await system.api.auth([org]);
    const http = system.api.http;
    const body = awsEcrCredentialBody({
      registry: ecr.registry.host,
      aws_region: 'eu-west-1',
      aws_access_key_id: keys.accessKeyId,
      aws_secret_access_key: keys.secretAccessKey,
      ...extra,
    });
    const credential = (await http.post(CREDENTIALS_PATH(org)).set('authorization', auth).send(body).expect(201)).body;
    return {
      credential,
      createTemplate: async () =>
        (
          await http
            .post(TEMPLATES_PATH(org))
            .set('authorization', auth)
            .send(validTemplateBody({ image: ecr.imageRef, registry_credential_id: credential.id }))
            .expect(201)
        ).body,
      final: (id: string) => system.waitForFinalState(org, id),
      getCredential: async () => (await http.get(`${CREDENTIALS_PATH(org)}/${credential.id}`).set('authorization', auth).expect(200)).body,
      patchCredential: (patch: Record<string, unknown>) => http.patch(`${CREDENTIALS_PATH(org)}/${credential.id}`).set('authorization', auth).send(patch),
    };
  }

  const callsBy = (accessKeyId: string, action?: string) => aws.requests.filter((r) => r.accessKeyId === accessKeyId && (!action || r.action === action));

  it('mints an ECR password from AWS keys for a validation, and a second template mints nothing new', async () => {
    const keys = newAwsKeys();
    aws.addUser(keys);
    const { credential, createTemplate, final, getCredential } = await orgWithCredential(keys);
    expect(credential).toMatchObject({ aws_access_key_id: `****************${keys.accessKeyId.slice(-4)}`, expires_at: null });
    expect(callsBy(keys.accessKeyId)).toEqual([]); // create does not call AWS

    const first = await createTemplate();
    expect(await final(first.id)).toMatchObject({ status: 'Active', oci_registry_username: 'AWS', validation: { state: 'passed' } });
    const second = await createTemplate();
    expect(await final(second.id)).toMatchObject({ status: 'Active' });
    expect(callsBy(keys.accessKeyId)).toEqual([{ service: 'ecr', action: 'GetAuthorizationToken', accessKeyId: keys.accessKeyId, outcome: 'ok' }]);
    expect(await getCredential()).toMatchObject({ templates_count: 2, last_error: null, last_used_at: expect.any(String), expires_at: null });
  });

  it('mints again when the password it has expires within five minutes', async () => {
    const keys = newAwsKeys();
    aws.addUser(keys);
    aws.setTokenLifetime(4 * 60 * 1000);
    try {
      const { createTemplate, final } = await orgWithCredential(keys);
      for (let i = 0; i < 2; i++) expect(await final((await createTemplate()).id)).toMatchObject({ status: 'Active' });
      expect(callsBy(keys.accessKeyId, 'GetAuthorizationToken')).toHaveLength(2);
    } finally {
      aws.setTokenLifetime(12 * 3600 * 1000);
    }
  });

  it('assumes the role first when one is given (with its external id), and mints with the role', async () => {
    const keys = newAwsKeys();
    aws.addUser({ ...keys, ecrAllowed: false }); // the user itself may only assume the role
    const roleArn = `arn:aws:iam::${TEST_AWS_ACCOUNT}:role/ecr-reader-${keys.accessKeyId.slice(-6).toLowerCase()}`;
    aws.addRole({ arn: roleArn, trusted: [keys.accessKeyId], externalId: 'partner-7' });
    const { createTemplate, final } = await orgWithCredential(keys, { aws_role_arn: roleArn, aws_external_id: 'partner-7' });
    expect(await final((await createTemplate()).id)).toMatchObject({ status: 'Active' });
    const assumed = callsBy(keys.accessKeyId);
    expect(assumed).toEqual([{ service: 'sts', action: 'AssumeRole', accessKeyId: keys.accessKeyId, outcome: 'ok', roleArn, externalId: 'partner-7' }]);
    const minted = aws.requests.filter((r) => r.action === 'GetAuthorizationToken' && r.accessKeyId?.startsWith('ASIA'));
    expect(minted.at(-1)).toMatchObject({ outcome: 'ok' });
  });

  it.each([
    ['a wrong secret access key', 'invalid_credentials', /refused the AWS keys \(InvalidSignatureException\)/, (keys: Keys) => aws.addUser({ ...keys, secretAccessKey: newAwsKeys().secretAccessKey })],
    ['an unknown access key id', 'invalid_credentials', /refused the AWS keys \(UnrecognizedClientException\)/, () => undefined],
    ['keys without ecr:GetAuthorizationToken', 'access_denied', /was denied \(AccessDeniedException\).*not authorized to perform: ecr:GetAuthorizationToken/, (keys: Keys) => aws.addUser({ ...keys, ecrAllowed: false })],
  ])('fails permanently for %s (%s), recorded on the credential', async (_what, code, message, setUp) => {
    const keys = newAwsKeys();
    setUp(keys);
    const { createTemplate, final, getCredential } = await orgWithCredential(keys);
    const template = await final((await createTemplate()).id);
    expect(template).toMatchObject({ status: 'Inactive', validation: { attempts: 1, error: { code, retryable: false } } });
    expect(template.validation.error.message).toMatch(message);
    expect(template.validation.error.message).not.toContain(keys.secretAccessKey);
    expect((await getCredential()).last_error).toEqual({ code, message: template.validation.error.message });
  });

  it('fails with access_denied when the role does not trust the keys', async () => {
    const keys = newAwsKeys();
    aws.addUser(keys);
    const roleArn = `arn:aws:iam::${TEST_AWS_ACCOUNT}:role/not-for-you`;
    aws.addRole({ arn: roleArn, trusted: [] });
    const { createTemplate, final } = await orgWithCredential(keys, { aws_role_arn: roleArn });
    const template = await final((await createTemplate()).id);
    expect(template.validation.error).toMatchObject({ code: 'access_denied', message: expect.stringContaining(`AWS STS AssumeRole of ${roleArn} was denied`) });
  });

  it('retries throttling as a transient failure, then passes', async () => {
    const keys = newAwsKeys();
    aws.addUser(keys);
    const { createTemplate, final } = await orgWithCredential(keys);
    aws.throttleNext(2);
    const template = await final((await createTemplate()).id);
    expect(template).toMatchObject({ status: 'Active', validation: { state: 'passed', attempts: 3 } });
    expect(callsBy(keys.accessKeyId).map((r) => r.outcome)).toEqual(['ok']);
  });

  it('rotating to working AWS keys turns the failed template Active without touching it', async () => {
    const wrong = newAwsKeys();
    const { createTemplate, final, patchCredential } = await orgWithCredential(wrong);
    const failed = await final((await createTemplate()).id);
    expect(failed.validation.error.code).toBe('invalid_credentials');

    const right = newAwsKeys();
    aws.addUser(right);
    const rotated = await patchCredential({ aws_access_key_id: right.accessKeyId, aws_secret_access_key: right.secretAccessKey }).expect(200);
    expect(rotated.body).toMatchObject({ templates_queued: 1, aws_access_key_id: `****************${right.accessKeyId.slice(-4)}` });
    const after = await final(failed.id);
    expect(after).toMatchObject({ status: 'Active', updated_at: failed.updated_at });
    expect(callsBy(right.accessKeyId, 'GetAuthorizationToken')).toHaveLength(1);
  });
});

type Keys = { accessKeyId: string; secretAccessKey: string };
