import { cudaVersionOfDriver, driverForCuda, NEWEST_KNOWN_DRIVER } from './driver-table';
import { compareVersions, dslCompareVersion } from './versions';

describe('dslCompareVersion (libnvidia-container dsl_compare_version)', () => {
  it.each([
    ['12.4', '>=', '12.4', true],
    ['12.4', '>=', '12.4.0', true],
    ['12.4', '=', '12.4.0.0', true],
    ['12.4', '!=', '12.4.0', false],
    ['12.4', '>=', '12.4.1', false],
    ['12.4', '<', '12.4.1', true],
    ['12.10', '>', '12.9', true],
    ['12.4', '=', '12.04', true],
    ['550.54.15', '<', '551', true],
    ['550.54.15', '>=', '550', true],
    ['470.82.01', '<', '471', true],
    ['535.104.05', '>', '535.86.09', true],
  ] as const)('%s %s %s is %s', (left, comparator, right, expected) => {
    expect(dslCompareVersion(left, comparator, right)).toBe(expected);
  });

  it.each([['12.4-beta'], ['v12'], ['12,4'], ['.5x']])('refuses %j as an invalid expression', (text) => {
    expect(dslCompareVersion('12.4', '>=', text)).toBe('invalid');
  });

  it('orders versions numerically', () => {
    expect(['570.124.06', '570.26', '535.104.05', '535.54.03'].sort(compareVersions)).toEqual(['535.54.03', '535.104.05', '570.26', '570.124.06']);
  });
});

describe("NVIDIA's CUDA toolkit → driver table", () => {
  it.each([
    ['550.54.15', '12.4'],
    ['550.54.14', '12.4'],
    ['550.40.07', '12.3'],
    ['535.104.05', '12.2'],
    ['525.60.13', '12.0'],
    ['470.82.01', '11.4'],
    ['450.80.02', '11.0'],
    ['580.95.05', '13.0'],
    ['346.46', '7.0'],
  ])('driver %s reports CUDA %s', (driver, cuda) => {
    expect(cudaVersionOfDriver(driver)).toBe(cuda);
  });

  it('knows no CUDA for drivers older than the table', () => {
    expect(cudaVersionOfDriver('340.29')).toBeUndefined();
  });

  it.each([
    ['12.4', '550.54.14'],
    ['12.7', '570.26'],
    ['11.8', '520.61.05'],
    ['13.0', '580.65.06'],
  ])('CUDA %s needs driver %s', (cuda, driver) => {
    expect(driverForCuda(cuda)).toBe(driver);
  });

  it('does not guess a driver for a CUDA version newer than the table', () => {
    expect(driverForCuda('99.0')).toBeUndefined();
    expect(cudaVersionOfDriver(NEWEST_KNOWN_DRIVER)).toBeDefined();
  });
});
