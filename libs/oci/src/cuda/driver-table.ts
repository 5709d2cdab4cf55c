import { compareVersions } from './versions';

/**
 * NVIDIA's published CUDA toolkit → driver table, Linux x86_64.
 *
 * Source: "NVIDIA CUDA Toolkit Release Notes", section "CUDA Driver",
 * https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html
 *  - Table 3 "CUDA Toolkit and Corresponding Driver Versions" (TOOLKIT_DRIVERS below): the
 *    driver each toolkit release ships with and needs for all of its features; a driver
 *    reports the CUDA version (cuDriverGetVersion, major.minor) of the newest toolkit it
 *    ships with, which is what the NVIDIA Container Toolkit compares `cuda>=` against.
 *  - Table 2 "CUDA Toolkit and Minimum Required Driver Version for CUDA Minor Version
 *    Compatibility" (MINOR_VERSION_COMPATIBILITY below): since CUDA 11, an application built
 *    with any toolkit of a major version runs on drivers from this version on (features that
 *    need a newer driver, such as PTX JIT of newer PTX, excepted).
 * Transcribed as of the CUDA 13.1 release notes (December 2025); the 13.x rows were checked
 * against the driver in NVIDIA's runfile names (cuda_13.0.2_580.95.05, cuda_13.1.0_590.44.01).
 * Add a row when NVIDIA publishes a toolkit: a CUDA version newer than the last row is treated
 * as unknown, never as satisfied by an older driver.
 */
export const TOOLKIT_DRIVERS: ReadonlyArray<{ readonly toolkit: string; readonly driver: string }> = [
  { toolkit: '13.1 GA', driver: '590.44.01' },
  { toolkit: '13.0 Update 2', driver: '580.95.05' },
  { toolkit: '13.0 Update 1', driver: '580.82.07' },
  { toolkit: '13.0 GA', driver: '580.65.06' },
  { toolkit: '12.9 Update 1', driver: '575.57.08' },
  { toolkit: '12.9 GA', driver: '575.51.03' },
  { toolkit: '12.8 Update 1', driver: '570.124.06' },
  { toolkit: '12.8 GA', driver: '570.26' },
  { toolkit: '12.6 Update 3', driver: '560.35.05' },
  { toolkit: '12.6 Update 2', driver: '560.35.03' },
  { toolkit: '12.6 Update 1', driver: '560.35.03' },
  { toolkit: '12.6 GA', driver: '560.28.03' },
  { toolkit: '12.5 Update 1', driver: '555.42.06' },
  { toolkit: '12.5 GA', driver: '555.42.02' },
  { toolkit: '12.4 Update 1', driver: '550.54.15' },
  { toolkit: '12.4 GA', driver: '550.54.14' },
  { toolkit: '12.3 Update 1', driver: '545.23.08' },
  { toolkit: '12.3 GA', driver: '545.23.06' },
  { toolkit: '12.2 Update 2', driver: '535.104.05' },
  { toolkit: '12.2 Update 1', driver: '535.86.09' },
  { toolkit: '12.2 GA', driver: '535.54.03' },
  { toolkit: '12.1 Update 1', driver: '530.30.02' },
  { toolkit: '12.1 GA', driver: '530.30.02' },
  { toolkit: '12.0 Update 1', driver: '525.85.12' },
  { toolkit: '12.0 GA', driver: '525.60.13' },
  { toolkit: '11.8 GA', driver: '520.61.05' },
  { toolkit: '11.7 Update 1', driver: '515.65.01' },
  { toolkit: '11.7 GA', driver: '515.43.04' },
  { toolkit: '11.6 Update 2', driver: '510.47.03' },
  { toolkit: '11.6 Update 1', driver: '510.47.03' },
  { toolkit: '11.6 GA', driver: '510.39.01' },
  { toolkit: '11.5 Update 2', driver: '495.29.05' },
  { toolkit: '11.5 Update 1', driver: '495.29.05' },
  { toolkit: '11.5 GA', driver: '495.29.05' },
  { toolkit: '11.4 Update 4', driver: '470.82.01' },
  { toolkit: '11.4 Update 3', driver: '470.82.01' },
  { toolkit: '11.4 Update 2', driver: '470.57.02' },
  { toolkit: '11.4 Update 1', driver: '470.57.02' },
  { toolkit: '11.4 GA', driver: '470.42.01' },
  { toolkit: '11.3 Update 1', driver: '465.19.01' },
  { toolkit: '11.3 GA', driver: '465.19.01' },
  { toolkit: '11.2 Update 2', driver: '460.32.03' },
  { toolkit: '11.2 Update 1', driver: '460.32.03' },
  { toolkit: '11.2 GA', driver: '460.27.03' },
  { toolkit: '11.1 Update 1', driver: '455.32' },
  { toolkit: '11.1 GA', driver: '455.23' },
  { toolkit: '11.0 Update 1', driver: '450.51.06' },
  { toolkit: '11.0 GA', driver: '450.51.05' },
  { toolkit: '10.2', driver: '440.33' },
  { toolkit: '10.1', driver: '418.39' },
  { toolkit: '10.0', driver: '410.48' },
  { toolkit: '9.2 Update 1', driver: '396.37' },
  { toolkit: '9.2', driver: '396.26' },
  { toolkit: '9.1', driver: '390.46' },
  { toolkit: '9.0', driver: '384.81' },
  { toolkit: '8.0 GA2', driver: '375.26' },
  { toolkit: '8.0', driver: '367.48' },
  { toolkit: '7.5', driver: '352.31' },
  { toolkit: '7.0', driver: '346.46' },
];

/** Table 2: the oldest driver that runs applications of a CUDA major version (minor version compatibility, CUDA >= 11). */
export const MINOR_VERSION_COMPATIBILITY: Readonly<Record<number, string>> = {
  13: '580.65.06',
  12: '525.60.13',
  11: '450.80.02',
};

/** Per CUDA major.minor, the oldest driver of its releases (its GA), oldest CUDA first. */
const CUDA_MINORS: ReadonlyArray<{ readonly cuda: string; readonly driver: string }> = (() => {
  const oldest = new Map<string, string>();
  for (const row of TOOLKIT_DRIVERS) {
    const cuda = row.toolkit.split(' ')[0];
    const known = oldest.get(cuda);
    if (!known || compareVersions(row.driver, known) < 0) oldest.set(cuda, row.driver);
  }
  return [...oldest].map(([cuda, driver]) => ({ cuda, driver })).sort((a, b) => compareVersions(a.driver, b.driver));
})();

/** The newest driver in the table: drivers beyond it support a CUDA version the table does not know yet. */
export const NEWEST_KNOWN_DRIVER = CUDA_MINORS[CUDA_MINORS.length - 1].driver;
/** The newest CUDA version in the table. */
export const NEWEST_KNOWN_CUDA = CUDA_MINORS[CUDA_MINORS.length - 1].cuda;

/** Every driver of the table (GA rows of each CUDA minor), oldest first. */
export const TABLE_DRIVERS: readonly string[] = CUDA_MINORS.map((row) => row.driver);

/**
 * The CUDA version (major.minor) a driver reports: that of the newest toolkit whose driver
 * it is at least. Undefined for drivers older than CUDA 7.0's.
 */
export function cudaVersionOfDriver(driver: string): string | undefined {
  let found: string | undefined;
  for (const row of CUDA_MINORS) if (compareVersions(driver, row.driver) >= 0) found = row.cuda;
  return found;
}

/** The oldest driver reporting at least this CUDA major.minor; undefined when the table does not know it. */
export function driverForCuda(majorMinor: string): string | undefined {
  return CUDA_MINORS.find((row) => compareVersions(row.cuda, majorMinor) >= 0)?.driver;
}
