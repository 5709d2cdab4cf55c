/**
 * Where the machine's CPU went during a measurement: CPU seconds of each process this run
 * started (by role), and of the rest of the machine: other work on a shared box, including
 * processes of other containers that /proc here does not list, and kernel interrupt time.
 * From /proc/<pid>/stat (utime+stime, plus cutime+cstime so that children that exited, such
 * as Postgres backends and skopeo, count for their parent) and /proc/stat.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcessTicks {
  comm: string;
  ppid: number;
  /** utime + stime */
  ownTicks: number;
  /** cutime + cstime: children that exited and were reaped */
  childTicks: number;
}

export interface CpuSnapshot {
  at: number;
  machineBusyTicks: number;
  processes: Map<number, ProcessTicks>;
}

export interface CpuBreakdown {
  wallSec: number;
  /** CPU seconds by role; "rest of the machine" is all busy CPU time not of this run's processes. */
  cpuSec: Record<string, number>;
}

function readProcess(pid: number): ProcessTicks | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is state (field 3); utime, stime, cutime, cstime are fields 14–17.
    return {
      comm,
      ppid: Number(fields[1]),
      ownTicks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined; // exited meanwhile
  }
}

export function snapshotCpu(): CpuSnapshot {
  const processes = new Map<number, ProcessTicks>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) processes.set(Number(entry), info);
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  const busy = cpu.slice(0, 8).reduce((sum, value) => sum + value, 0) - cpu[3] - cpu[4];
  return { at: performance.now(), machineBusyTicks: busy, processes };
}

/**
 * `roles` names known pids (e.g. api, worker); other descendants of this process are named by
 * executable (postgres, redis-server, docker-registry, skopeo, node = load generator).
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, roles: Record<string, number | undefined>): CpuBreakdown {
  const rolesByPid = new Map<number, string>();
  for (const [role, pid] of Object.entries(roles)) if (pid !== undefined) rolesByPid.set(pid, role);
  const self = process.pid;
  const isOurs = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 20; hops++) {
      if (at === self) return true;
      const info = after.processes.get(at) ?? before.processes.get(at);
      if (!info) return false;
      at = info.ppid;
    }
    return false;
  };
  const cpuSec: Record<string, number> = {};
  let ours = 0;
  const add = (role: string, ticks: number) => {
    if (ticks <= 0) return;
    cpuSec[role] = (cpuSec[role] ?? 0) + ticks / TICKS_PER_SECOND;
    ours += ticks;
  };
  for (const [pid, end] of after.processes) {
    if (!isOurs(pid)) continue;
    const start = before.processes.get(pid);
    const own = end.ownTicks - (start?.ownTicks ?? 0);
    const children = end.childTicks - (start?.childTicks ?? 0);
    if (pid === self) {
      add('orchestrator + token issuer', own);
      // The load generator and skopeo run as short-lived children of this process.
      add('load generator / skopeo', children);
      continue;
    }
    const role = rolesByPid.get(pid) ?? (end.comm === 'node' ? 'load generator / skopeo' : end.comm);
    add(role, own + children);
  }
  const machine = after.machineBusyTicks - before.machineBusyTicks;
  cpuSec['rest of the machine'] = Math.max(0, machine - ours) / TICKS_PER_SECOND;
  return { wallSec: (after.at - before.at) / 1000, cpuSec };
}
