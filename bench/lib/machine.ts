/** The machine and the versions a result was measured with, recorded next to the figures. */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import type { Pool } from 'pg';
import { runCommand } from '../../test/support/processes/child-process';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  kernel: string;
  node: string;
  postgres: string;
  redis: string;
  registry: string;
  skopeo: string;
  autocannon: string;
}

export interface CodeVersion {
  commit: string;
  /** Uncommitted changes under apps/, libs/ or prisma/ were measured too. */
  uncommittedChanges: boolean;
}

export async function describeMachine(db: Pool, repoRoot: string): Promise<MachineInfo> {
  const firstLine = async (command: string, args: string[]) => {
    try {
      return (await runCommand(command, args, { timeoutMs: 10_000 })).stdout.trim().split('\n')[0];
    } catch {
      return 'unknown';
    }
  };
  const osRelease = (() => {
    try {
      return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
    } catch {
      return os.type();
    }
  })();
  const autocannon = JSON.parse(readFileSync(`${repoRoot}/node_modules/autocannon/package.json`, 'utf8')) as { version: string };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 1e8) / 10,
    os: osRelease,
    kernel: os.release(),
    node: process.version,
    postgres: (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v,
    redis: (await firstLine('redis-server', ['--version'])).replace(/^Redis server v=(\S+).*/, '$1'),
    registry: (await firstLine('docker-registry', ['--version'])).split(' ').pop() ?? 'unknown',
    skopeo: (await firstLine('skopeo', ['--version'])).replace(/^skopeo version /, ''),
    autocannon: autocannon.version,
  };
}

export async function describeCode(repoRoot: string): Promise<CodeVersion> {
  try {
    const commit = (await runCommand('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })).stdout.trim();
    const status = (await runCommand('git', ['status', '--porcelain', '--', 'apps', 'libs', 'prisma'], { cwd: repoRoot })).stdout;
    return { commit, uncommittedChanges: status.trim() !== '' };
  } catch {
    return { commit: 'unknown', uncommittedChanges: true };
  }
}
