import { ValidationErrorCode } from '../errors';
import { checkFleetDriver, cudaDemandOf, CudaDemand, environmentOf, minimumDriver } from './cuda-requirement';
import { NEWEST_KNOWN_DRIVER } from './driver-table';

const NVIDIA_12_4 =
  'cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=unknown,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 brand=tesla,driver>=535,driver<536';

const demandOf = (...env: string[]) => cudaDemandOf(environmentOf(env));

function gate(demand: CudaDemand, fleet: string): void {
  checkFleetDriver(demand, fleet, minimumDriver(demand));
}

describe('cudaDemandOf (nvidia-container-toolkit GetRequirements)', () => {
  it('takes NVIDIA_REQUIRE_CUDA as written', () => {
    const demand = demandOf('CUDA_VERSION=12.4.1', `NVIDIA_REQUIRE_CUDA=${NVIDIA_12_4}`);
    expect(demand).toMatchObject({ cudaRequirement: NVIDIA_12_4, requirements: [NVIDIA_12_4] });
  });

  it('reads CUDA_VERSION alone as cuda>=major.minor (a "legacy" image)', () => {
    expect(demandOf('CUDA_VERSION=12.4.1')).toMatchObject({ cudaRequirement: 'cuda>=12.4', requirements: ['cuda>=12.4'] });
    expect(demandOf('CUDA_VERSION=11.8.0', 'NVIDIA_REQUIRE_CUDA=')).toMatchObject({ cudaRequirement: 'cuda>=11.8' });
    expect(demandOf('CUDA_VERSION=12', 'CUDA_VERSION=11.2')).toMatchObject({ cudaRequirement: 'cuda>=11.2' });
  });

  it('checks every other NVIDIA_REQUIRE_ variable too, except the Jetpack ones', () => {
    const demand = demandOf('CUDA_VERSION=12.2.0', 'NVIDIA_REQUIRE_DRIVER=driver>=550', 'NVIDIA_REQUIRE_JETPACK=csv-mounts=all');
    expect(demand.requirements).toEqual(['driver>=550', 'cuda>=12.2']);
  });

  it('has nothing to say about an image without CUDA', () => {
    expect(demandOf('PATH=/bin')).toMatchObject({ cudaRequirement: null, requirements: [] });
    expect(minimumDriver(demandOf('PATH=/bin')).driver).toBeUndefined();
  });

  it('turns the checks off with NVIDIA_DISABLE_REQUIRE, leaving the runtime its minor-version compatibility', () => {
    const demand = demandOf('CUDA_VERSION=12.4.1', 'NVIDIA_DISABLE_REQUIRE=true');
    expect(demand).toMatchObject({ requirements: [], runtimeMinimumDriver: '525.60.13' });
    expect(demandOf('CUDA_VERSION=12.4.1', 'NVIDIA_DISABLE_REQUIRE=no').requirements).toEqual(['cuda>=12.4']);
  });
});

describe('minimumDriver', () => {
  it('is the driver of the CUDA version by the table, with the branches the requirement also allows', () => {
    expect(minimumDriver(demandOf(`NVIDIA_REQUIRE_CUDA=${NVIDIA_12_4}`))).toEqual({ driver: '550.54.14', olderBranches: [470, 525, 535] });
    expect(minimumDriver(demandOf('CUDA_VERSION=11.8.0'))).toEqual({ driver: '520.61.05', olderBranches: [] });
    expect(minimumDriver(demandOf('NVIDIA_REQUIRE_CUDA=driver>=555.42'))).toEqual({ driver: '555.42', olderBranches: [] });
  });

  it('is unknown for a CUDA version newer than the table, or a requirement no driver meets', () => {
    expect(minimumDriver(demandOf('NVIDIA_REQUIRE_CUDA=cuda>=99.0')).driver).toBeUndefined();
    expect(minimumDriver(demandOf('NVIDIA_REQUIRE_CUDA=driver<300')).driver).toBeUndefined();
  });
});

describe('checkFleetDriver', () => {
  it('passes a fleet driver the requirement accepts, directly or through a branch it lists', () => {
    expect(() => gate(demandOf(`NVIDIA_REQUIRE_CUDA=${NVIDIA_12_4}`), '550.54.15')).not.toThrow();
    expect(() => gate(demandOf(`NVIDIA_REQUIRE_CUDA=${NVIDIA_12_4}`), '535.104.05')).not.toThrow();
  });

  it('fails with cuda_unsupported naming the driver needed and the fleet one', () => {
    let error: unknown;
    try {
      gate(demandOf(`NVIDIA_REQUIRE_CUDA=${NVIDIA_12_4}`), '545.23.08');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: ValidationErrorCode.CudaUnsupported, retryable: false });
    expect((error as Error).message).toContain('550.54.14');
    expect((error as Error).message).toContain('545.23.08');
    expect((error as Error).message).toContain('470, 525, 535');
  });

  it('fails a legacy image on a driver older than its CUDA version', () => {
    expect(() => gate(demandOf('CUDA_VERSION=12.4.1'), '535.104.05')).toThrow(/550\.54\.14.*535\.104\.05/);
  });

  it('applies minor-version compatibility when the image turns the checks off', () => {
    const demand = demandOf('CUDA_VERSION=12.4.1', 'NVIDIA_DISABLE_REQUIRE=1');
    expect(() => gate(demand, '530.30.02')).not.toThrow();
    expect(() => gate(demand, '520.61.05')).toThrow(/525\.60\.13/);
  });

  it('fails what the toolkit would refuse on every host: an invalid condition, an unreadable CUDA_VERSION', () => {
    expect(() => gate(demandOf('NVIDIA_REQUIRE_CUDA=cuda>=12.4 gpu=big'), '535.104.05')).toThrow(/invalid condition "gpu=big"/);
    expect(() => gate(demandOf('CUDA_VERSION=twelve'), '550.54.15')).toThrow(/CUDA_VERSION "twelve"/);
  });

  it('does not fail a driver newer than the table for a CUDA version the table does not know', () => {
    const demand = demandOf('NVIDIA_REQUIRE_CUDA=cuda>=99.0');
    expect(() => gate(demand, '999.10')).not.toThrow();
    expect(() => gate(demand, NEWEST_KNOWN_DRIVER)).toThrow(new RegExp(`newer than ${NEWEST_KNOWN_DRIVER.replace(/\./g, '\\.')}`));
  });
});
