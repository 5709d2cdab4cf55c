import { ValidationErrorCode } from './errors';
import { RegistryClient } from './registry-client';
import { expectRegistryError, useFakeRegistry } from './testing/registry-client-fixture';

const NVIDIA_12_4 = 'cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=tesla,driver>=535,driver<536';

describe('RegistryClient: the fleet GPU driver', () => {
  const fixture = useFakeRegistry();
  const { clientFor, ref } = fixture;
  const onFleet = (driver: string) => clientFor([fixture.registry.server.host], { gpuDriverVersion: driver });

  it('passes an image whose CUDA requirement the fleet driver meets, reporting what it needs', async () => {
    fixture.registry.addImage('org/app', '1', { env: ['CUDA_VERSION=12.4.1', `NVIDIA_REQUIRE_CUDA=${NVIDIA_12_4}`] });
    const report = await onFleet('550.54.15').validateImage(ref('org/app:1'));
    expect(report).toMatchObject({ cuda_version: '12.4.1', cuda_requirement: NVIDIA_12_4, min_driver_version: '550.54.14' });
  });

  it('fails an image that needs a newer driver with cuda_unsupported, before checking its layers', async () => {
    fixture.registry.addImage('org/app', '1', { env: ['CUDA_VERSION=12.4.1'] });
    const error = await expectRegistryError(onFleet('545.23.08').validateImage(ref('org/app:1')), {
      code: ValidationErrorCode.CudaUnsupported,
      retryable: false,
    });
    expect(error.message).toMatch(/needs NVIDIA driver 550\.54\.14 or newer.*the fleet runs NVIDIA driver 545\.23\.08/);
    expect(fixture.registry.requestLines.filter((line) => line.startsWith('HEAD /v2/org/app/blobs/'))).toEqual([]);
  });

  it('only reports the requirement when no fleet driver is configured', async () => {
    fixture.registry.addImage('org/app', '1', { env: ['CUDA_VERSION=13.0.1'] });
    const report = await fixture.client.validateImage(ref('org/app:1'));
    expect(report).toMatchObject({ cuda_requirement: 'cuda>=13.0', min_driver_version: '580.65.06' });
  });

  it('refuses a driver version it cannot read', () => {
    expect(() => new RegistryClient({ egress: {}, gpuDriverVersion: 'latest' })).toThrow(/550\.54\.15/);
  });
});
