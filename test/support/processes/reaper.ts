/**
 * A detached watchdog for one test environment. If the process that started the services dies
 * without stopping them (jest killed with SIGKILL, a crashed runner), the reaper kills every
 * process still listed in the environment's ledger and removes the base dir. It exits on its
 * own once the base dir is gone (a normal teardown), and teardown also kills it.
 *
 * It runs as plain JavaScript (`node -e`) so it needs no TypeScript loader, and it is detached
 * (own session) so terminal or process-group signals aimed at the runner do not take it down.
 */
import { spawn } from 'node:child_process';

const REAPER_SOURCE = String.raw`
const fs = require('fs');
const path = require('path');
const [ownerPid, ledgerFile, baseDir, removeBaseDir] = process.argv.slice(1);
const alive = (pid) => {
  try { process.kill(Number(pid), 0); return true; } catch (error) { return error.code === 'EPERM'; }
};
// Guards against pid reuse: only kill a pid that still runs the recorded executable.
const stillOurs = (entry) => {
  try {
    return fs.readFileSync('/proc/' + entry.pid + '/cmdline', 'utf8').includes(path.basename(entry.executable));
  } catch { return false; }
};
const watch = setInterval(() => {
  if (!fs.existsSync(baseDir)) process.exit(0);
  if (alive(ownerPid)) return;
  clearInterval(watch);
  let entries = [];
  try { entries = JSON.parse(fs.readFileSync(ledgerFile, 'utf8')); } catch {}
  const targets = entries.filter(stillOurs);
  for (const entry of targets) { try { process.kill(entry.pid, entry.signal); } catch {} }
  const deadline = Date.now() + 5000;
  const finish = setInterval(() => {
    const left = targets.filter((entry) => alive(entry.pid));
    if (left.length > 0 && Date.now() < deadline) return;
    for (const entry of left) { try { process.kill(entry.pid, 'SIGKILL'); } catch {} }
    clearInterval(finish);
    if (removeBaseDir === '1') fs.rmSync(baseDir, { recursive: true, force: true });
    process.exit(0);
  }, 100);
}, 500);
`;

export interface Reaper {
  pid: number;
  /** Ends the watchdog (after a normal teardown). */
  stop(): void;
}

export interface ReaperOptions {
  /** The process whose death triggers the cleanup (the jest main process). */
  ownerPid: number;
  ledgerFile: string;
  baseDir: string;
  removeBaseDir: boolean;
}

export function startReaper(options: ReaperOptions): Reaper {
  const args = [String(options.ownerPid), options.ledgerFile, options.baseDir, options.removeBaseDir ? '1' : '0'];
  const child = spawn(process.execPath, ['-e', REAPER_SOURCE, ...args], { detached: true, stdio: 'ignore' });
  child.unref();
  return {
    pid: child.pid ?? -1,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
