import { LRUCache } from 'lru-cache';
import { RegistryError, ValidationErrorCode } from '../errors';
import {
  cudaVersionOfDriver,
  driverForCuda,
  MINOR_VERSION_COMPATIBILITY,
  NEWEST_KNOWN_CUDA,
  NEWEST_KNOWN_DRIVER,
  TABLE_DRIVERS,
} from './driver-table';
import { DriverFacts, evaluateAll, Evaluation, mentionedDrivers } from './requirement';
import { compareVersions } from './versions';

/**
 * What an image asks of the NVIDIA driver, read as the NVIDIA Container Toolkit reads it
 * (internal/config/image/cuda_image.go of NVIDIA/nvidia-container-toolkit, `GetRequirements`,
 * `IsLegacy`, `HasDisableRequire`; read at commit d34b304):
 *  - every `NVIDIA_REQUIRE_*` variable except `NVIDIA_REQUIRE_JETPACK*` is a requirement;
 *  - a "legacy" image (`CUDA_VERSION` set, `NVIDIA_REQUIRE_CUDA` empty) requires
 *    `cuda>=<major>.<minor>` of its CUDA_VERSION (a CUDA_VERSION that is not a version makes
 *    the toolkit fail the container);
 *  - `NVIDIA_DISABLE_REQUIRE` true (Go's strconv.ParseBool) turns the checks off; the image's
 *    CUDA runtime then still needs a driver of its major version's minor-version
 *    compatibility (driver-table.ts, Table 2).
 */
export interface CudaDemand {
  /** The raw constraint: `NVIDIA_REQUIRE_CUDA`, or `cuda>=M.m` from `CUDA_VERSION`; null when none. */
  readonly cudaRequirement: string | null;
  /** Every requirement the toolkit checks (empty when disabled or none). */
  readonly requirements: readonly string[];
  /** When checks are disabled: the driver the CUDA runtime needs by minor-version compatibility. */
  readonly runtimeMinimumDriver: string | undefined;
  /** A CUDA_VERSION the toolkit cannot read (it refuses the container). */
  readonly unreadableCudaVersion: string | undefined;
}

const SEMVER = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.[0-9]+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const TRUE_VALUES: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** `KEY=value` entries, the last definition winning (as in the container's environment). */
export function environmentOf(env: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of env) {
    const separator = entry.indexOf('=');
    if (separator > 0) map.set(entry.slice(0, separator), entry.slice(separator + 1));
  }
  return map;
}

export function cudaDemandOf(env: ReadonlyMap<string, string>): CudaDemand {
  const cudaVersion = env.get('CUDA_VERSION') ?? '';
  const requireCuda = env.get('NVIDIA_REQUIRE_CUDA') ?? '';
  const legacy = cudaVersion !== '' && requireCuda === '';
  const majorMinor = SEMVER.exec(cudaVersion);
  const legacyRequirement = legacy && majorMinor ? `cuda>=${Number(majorMinor[1])}.${Number(majorMinor[2] ?? 0)}` : undefined;
  const cudaRequirement = requireCuda.trim() !== '' ? requireCuda : (legacyRequirement ?? null);

  if (TRUE_VALUES.has(env.get('NVIDIA_DISABLE_REQUIRE') ?? '')) {
    const major = majorMinor ? Number(majorMinor[1]) : undefined;
    const runtimeMinimumDriver =
      major === undefined ? undefined : (MINOR_VERSION_COMPATIBILITY[major] ?? driverForCuda(`${major}.${Number(majorMinor?.[2] ?? 0)}`));
    return { cudaRequirement, requirements: [], runtimeMinimumDriver, unreadableCudaVersion: undefined };
  }
  const requirements = [...env]
    .filter(([name]) => name.startsWith('NVIDIA_REQUIRE_') && !name.startsWith('NVIDIA_REQUIRE_JETPACK'))
    .map(([, value]) => value)
    .filter((value) => value.trim() !== '');
  if (legacyRequirement) requirements.push(legacyRequirement);
  return {
    cudaRequirement,
    requirements,
    runtimeMinimumDriver: undefined,
    unreadableCudaVersion: legacy && !majorMinor ? cudaVersion : undefined,
  };
}

/** What the toolkit would find on a host running `driver`. */
export function driverFacts(driver: string): DriverFacts {
  return { driver, cuda: cudaVersionOfDriver(driver), cudaIsLowerBound: compareVersions(driver, NEWEST_KNOWN_DRIVER) > 0 };
}

/** A driver beyond every table entry and every version a requirement names. */
const BEYOND_EVERY_DRIVER = '99999';

/**
 * The driver the image needs: the oldest driver D such that every driver from D on passes
 * the toolkit's checks (drivers in between are tried at every version where the checks can
 * change: the table's drivers and the ones the requirement names). Undefined when none is
 * known to (a CUDA version newer than the table, or a requirement no driver meets).
 * Also the branches below D that the requirement allows (forward-compatibility alternatives
 * such as `brand=tesla,driver>=535,driver<536`).
 */
export function minimumDriver(demand: CudaDemand): DriverNeeds {
  if (demand.requirements.length === 0) return { driver: demand.runtimeMinimumDriver, olderBranches: [] };
  if (demand.unreadableCudaVersion !== undefined) return { driver: undefined, olderBranches: [] };
  // Images share a handful of requirement strings (one per CUDA base image): computed once each.
  const key = demand.requirements.join('\n');
  const known = NEEDS_BY_REQUIREMENTS.get(key);
  if (known) return known;
  const needs = computeMinimumDriver(demand.requirements);
  NEEDS_BY_REQUIREMENTS.set(key, needs);
  return needs;
}

export interface DriverNeeds {
  readonly driver: string | undefined;
  readonly olderBranches: readonly number[];
}

const NEEDS_BY_REQUIREMENTS = new LRUCache<string, DriverNeeds>({ max: 1_000 });

function computeMinimumDriver(requirements: readonly string[]): DriverNeeds {
  const candidates = [...new Set([...TABLE_DRIVERS, ...mentionedDrivers(requirements)])].sort(compareVersions);
  const passes = (driver: string) => evaluateAll(requirements, driverFacts(driver)).outcome === 'satisfied';
  if (!passes(BEYOND_EVERY_DRIVER)) return { driver: undefined, olderBranches: [] };
  let threshold: number | undefined;
  for (let i = candidates.length - 1; i >= 0 && passes(candidates[i]); i--) threshold = i;
  // Passing only beyond the table: the requirement names a CUDA version the table does not know.
  if (threshold === undefined) return { driver: undefined, olderBranches: [] };
  const olderBranches = [...new Set(candidates.slice(0, threshold).filter(passes).map((d) => Number(d.split('.')[0])))];
  return { driver: candidates[threshold], olderBranches };
}

/**
 * Fails with `cuda_unsupported` when the fleet's driver would not start the image: the
 * toolkit's checks fail (or cannot be evaluated), or, with checks disabled, the driver is
 * older than the image's CUDA runtime needs.
 */
export function checkFleetDriver(demand: CudaDemand, fleetDriver: string, needs: DriverNeeds): void {
  const fleet = `the fleet runs NVIDIA driver ${fleetDriver}`;
  if (demand.unreadableCudaVersion !== undefined) {
    fail(`The image's CUDA_VERSION "${clip(demand.unreadableCudaVersion)}" is not a version the NVIDIA Container Toolkit can read, so it refuses to start the container; set CUDA_VERSION to e.g. 12.4.1.`);
  }
  if (demand.requirements.length === 0) {
    const minimum = demand.runtimeMinimumDriver;
    if (minimum && compareVersions(fleetDriver, minimum) < 0) {
      fail(
        `The image's CUDA runtime needs NVIDIA driver ${minimum} or newer (CUDA minor-version compatibility; the image turns the toolkit's checks off with NVIDIA_DISABLE_REQUIRE), but ${fleet}.`,
      );
    }
    return;
  }
  const evaluation: Evaluation = evaluateAll(demand.requirements, driverFacts(fleetDriver));
  if (evaluation.outcome === 'satisfied') return;
  const constraint = `"${clip(demand.requirements.join(' '))}"`;
  if (evaluation.outcome === 'invalid') {
    fail(`The image's NVIDIA requirement ${constraint} has an invalid condition "${clip(evaluation.expression)}": the NVIDIA Container Toolkit refuses to start such a container.`);
  }
  const branches = needs.olderBranches.length > 0 ? `, or a driver of the ${needs.olderBranches.join(', ')} branch it also allows,` : '';
  const needed = needs.driver
    ? `needs NVIDIA driver ${needs.driver} or newer${branches}`
    : `needs a driver newer than ${NEWEST_KNOWN_DRIVER} (CUDA ${NEWEST_KNOWN_CUDA}), the newest this service knows,`;
  fail(`The image ${needed} (it requires ${constraint}), but ${fleet}. Build it on an older CUDA base image, or run it where the driver is newer.`);
}

function fail(message: string): never {
  throw new RegistryError(ValidationErrorCode.CudaUnsupported, message);
}

function clip(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 160 ? `${clean.slice(0, 159)}…` : clean;
}

/**
 * The report's CUDA fields of an image with this environment (`KEY=value` entries); throws
 * `cuda_unsupported` when the fleet's driver is too old to start it.
 */
export function cudaReportOf(env: readonly string[], fleetDriver: string | undefined): { cuda_requirement: string | null; min_driver_version: string | null } {
  const demand = cudaDemandOf(environmentOf(env));
  const needs = minimumDriver(demand);
  if (fleetDriver) checkFleetDriver(demand, fleetDriver, needs);
  return { cuda_requirement: demand.cudaRequirement, min_driver_version: needs.driver ?? null };
}
