import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_REGISTRY_DIR } from '@app/config';
import { demoImagePolicy, pushDemoImages } from '../demo/demo-images';
import { generateTestKeyPair } from './support/cosign-signer';
import { loadTestEnvironment, registryTarget } from './support/environment';
import { imageReference } from './support/images/image-description';
import { startSystem, SystemHarness } from './support/in-process/system-harness';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';

/**
 * What the banner of `npm start` promises about its demo registry (demo/), against a real
 * docker-registry: the worker reaches it through DEMO_REGISTRY alone (no REGISTRY_* settings:
 * the development config allows it and trusts its CA under DATA_DIR), the Jupyter/SSH image
 * ends Active, the arm64-only one fails with platform_unsupported, and the signed one passes
 * the policy in image-policy.json while an unsigned one fails it.
 */
describe('the demo registry of npm start (e2e)', () => {
  const env = loadTestEnvironment();
  const registry = env.registries.anonymous;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'demo-data-'));
  const key = generateTestKeyPair('ecdsa-p256');
  let system: SystemHarness;

  beforeAll(async () => {
    mkdirSync(path.join(dataDir, DEMO_REGISTRY_DIR));
    copyFileSync(env.caFile, path.join(dataDir, DEMO_REGISTRY_DIR, 'ca.crt'));
    system = await startSystem(env, {
      worker: { NODE_ENV: 'development', DATA_DIR: dataDir, DEMO_REGISTRY: registry.host, REGISTRY_ALLOWED_PRIVATE_HOSTS: '', REGISTRY_CA_FILE: '' },
    });
  });
  afterAll(async () => {
    await system.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function validate(orgId: string, image: string): Promise<Record<string, any>> {
    const res = await system.api.http
      .post(TEMPLATES_PATH(orgId))
      .set('authorization', await system.api.auth([orgId]))
      .send(validTemplateBody({ image }))
      .expect(201);
    return system.waitForFinalState(orgId, res.body.id);
  }

  it('validates each demo image as the banner says', async () => {
    const images = await pushDemoImages({ ...registryTarget(registry), host: registry.host }, key);
    const org = system.api.newOrg();
    const jupyter = await validate(org, imageReference(registry, images.jupyter));
    expect(jupyter.status).toBe('Active');
    expect(jupyter.apps.map((app: { name: string }) => app.name)).toEqual(['ssh', 'jupyter']);
    const arm64 = await validate(org, imageReference(registry, images.arm64Only));
    expect(arm64.validation).toMatchObject({ state: 'failed', error: { code: 'platform_unsupported' } });

    const secured = system.api.newOrg();
    await system.api.http.put(`/api/v1beta1/orgs/${secured}/image-policy`).set('authorization', await system.api.auth([secured])).send(demoImagePolicy(key)).expect(200);
    const signed = await validate(secured, imageReference(registry, images.signed));
    expect(signed.status).toBe('Active');
    expect(signed.validation.report.signatures).toEqual([{ key_name: 'demo', verified: true, reason: null }]);
    const unsigned = await validate(secured, imageReference(registry, images.jupyter));
    expect(unsigned.validation).toMatchObject({ state: 'failed', error: { code: 'signature_missing' } });
  });
});
