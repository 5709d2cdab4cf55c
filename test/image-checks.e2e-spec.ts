import { randomUUID } from 'node:crypto';
import { loadTestEnvironment, registryTarget } from './support/environment';
import { imageReference } from './support/images/image-description';
import { pushImage } from './support/images/push-image';
import { createAndWait as createAndWaitFor } from './support/in-process/create-and-wait';
import { deleteBlob, pushAnnotatedImage, pushSociIndexV1 } from './support/images/registry-content';
import { startSystem, SystemHarness } from './support/in-process/system-harness';

/** The form of NVIDIA_REQUIRE_CUDA in NVIDIA's CUDA 12.4 images (forward-compatibility branches), shortened. */
const REQUIRE_CUDA_12_4 = 'cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 brand=tesla,driver>=535,driver<536';
const FLEET_DRIVER = '535.104.05';

/**
 * What "Active" now also means, against Debian's docker-registry 2.8 over TLS (no referrers
 * API): every layer is in the registry, the fleet's GPU driver (GPU_DRIVER_VERSION) meets the
 * image's CUDA requirement, and the report says how the image starts and which lazy-pulling
 * snapshotters could run it.
 */
describe('image checks: layers, lazy pull, CUDA and the fleet driver (e2e)', () => {
  const env = loadTestEnvironment();
  const { anonymous, token } = env.registries;
  const suite = `checks-${randomUUID().slice(0, 8)}`;
  let system: SystemHarness;

  beforeAll(async () => {
    system = await startSystem(env, { worker: { GPU_DRIVER_VERSION: FLEET_DRIVER } });
  });
  afterAll(() => system.close());

  const createAndWait = (body: Record<string, unknown>) => createAndWaitFor(system, body);

  it('reports layers, how the image starts, its CUDA requirement and the driver it needs, and passes on a branch it allows', async () => {
    const image = await pushImage(registryTarget(token), {
      kind: 'image',
      repository: `gpu/${suite}-cuda`,
      tag: 'v1',
      env: ['CUDA_VERSION=12.4.1', `NVIDIA_REQUIRE_CUDA=${REQUIRE_CUDA_12_4}`],
      entrypoint: ['/opt/nvidia/nvidia_entrypoint.sh'],
      cmd: ['python', 'serve.py'],
      workingDir: '/workspace',
      user: '1000',
      layers: [{ files: { 'a.txt': 'a\n' } }, { files: { 'b.txt': 'b'.repeat(5000) } }, { files: { 'c.txt': 'c\n' } }],
    });
    const template = await createAndWait({
      image: imageReference(token, image),
      oci_registry_username: token.users.reader.username,
      oci_registry_token: token.users.reader.password,
    });
    expect(template.status).toBe('Active');
    const layers = image.images[0].layers;
    expect(template.validation.report).toMatchObject({
      layers: 3,
      largest_layer_bytes: Math.max(...layers.map((layer) => layer.size)),
      lazy_pull: { estargz: false, zstd_chunked: false, soci: false },
      entrypoint: ['/opt/nvidia/nvidia_entrypoint.sh'],
      cmd: ['python', 'serve.py'],
      working_dir: '/workspace',
      user: '1000',
      cuda_version: '12.4.1',
      cuda_requirement: REQUIRE_CUDA_12_4,
      min_driver_version: '550.54.14',
    });
  });

  it('fails an image whose CUDA needs a newer driver than the fleet runs with cuda_unsupported, at once', async () => {
    const template = await createAndWait({ image: imageReference(anonymous, env.images.cudaApp) });
    expect(template.status).toBe('Inactive');
    expect(template.validation).toMatchObject({ state: 'failed', attempts: 1 });
    expect(template.validation.error).toMatchObject({ code: 'cuda_unsupported', retryable: false });
    expect(template.validation.error.message).toContain('550.54.14');
    expect(template.validation.error.message).toContain(FLEET_DRIVER);
  });

  it('fails with a permanent blob_missing naming a layer deleted from the registry', async () => {
    const repository = `gpu/${suite}-gone`;
    const image = await pushImage(registryTarget(anonymous), {
      kind: 'image',
      repository,
      tag: 'v1',
      layers: [{ files: { 'kept.txt': 'kept\n' } }, { files: { 'gone.txt': 'gone\n' } }],
    });
    const gone = image.images[0].layers[1].digest;
    await deleteBlob(anonymous, repository, gone);
    const template = await createAndWait({ image: imageReference(anonymous, image) });
    expect(template.status).toBe('Inactive');
    expect(template.validation).toMatchObject({ state: 'failed', attempts: 1 });
    expect(template.validation.error).toMatchObject({ code: 'blob_missing', retryable: false });
    expect(template.validation.error.message).toContain(gone);
  });

  it('sees eStargz and zstd:chunked layers by their annotations', async () => {
    const repository = `gpu/${suite}-lazy`;
    await pushAnnotatedImage(
      registryTarget(anonymous),
      { kind: 'image', repository, tag: 'v1', layers: [{ files: { 'x.txt': 'x\n' } }, { files: { 'y.txt': 'y\n' } }] },
      {
        0: { 'containerd.io/snapshot/stargz/toc.digest': `sha256:${'1'.repeat(64)}` },
        1: { 'io.github.containers.zstd-chunked.manifest-checksum': `sha256:${'2'.repeat(64)}` },
      },
    );
    const template = await createAndWait({ image: `${anonymous.host}/${repository}:v1` });
    expect(template.status).toBe('Active');
    expect(template.validation.report.lazy_pull).toEqual({ estargz: true, zstd_chunked: true, soci: false });
  });

  it('finds a SOCI index through the referrers tag schema on a registry without the referrers API', async () => {
    const repository = `gpu/${suite}-soci`;
    const target = registryTarget(anonymous);
    const image = await pushAnnotatedImage(target, { kind: 'image', repository, tag: 'v1', layers: [{ files: { 'z.txt': 'z\n' } }] }, {});
    await pushSociIndexV1(target, repository, image);
    const template = await createAndWait({ image: `${anonymous.host}/${repository}:v1` });
    expect(template.status).toBe('Active');
    expect(template.validation.report.lazy_pull).toEqual({ estargz: false, zstd_chunked: false, soci: true });
  });
});
