/** The shape of bench/results/<timestamp>.json. */
import type { ApiResults } from '../workloads/api';
import type { BackgroundResults } from '../workloads/background';
import type { GrowthResults } from '../workloads/growth';
import type { ValidationResults } from '../workloads/validation';
import type { CodeVersion, MachineInfo } from './machine';
import type { BenchOptions } from './options';

export interface TargetCheck {
  target: string;
  measured: string;
  /** null when the figure was not measured in this run. */
  met: boolean | null;
}

export interface MemoryRow {
  workload: string;
  apiMB?: number;
  workerMB?: number;
}

export interface BenchResults {
  version: 1;
  mode: BenchOptions['mode'];
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  machine: MachineInfo;
  code: CodeVersion;
  /** `--node-flags` given to the API and worker (empty for a normal run). */
  productNodeFlags: string[];
  loadAverage: { start: number[]; end: number[] };
  /** Mean CPU cores used by everything else on the machine while the workloads ran. */
  restOfMachineCores: number;
  options: BenchOptions;
  api?: ApiResults;
  validation?: ValidationResults;
  growth?: GrowthResults;
  background?: BackgroundResults;
  memory: MemoryRow[];
  targets: TargetCheck[];
}
