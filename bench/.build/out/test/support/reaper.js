"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startReaper = startReaper;
const node_child_process_1 = require("node:child_process");
const REAPER_SOURCE = String.raw `
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
function startReaper(options) {
    const args = [String(options.ownerPid), options.ledgerFile, options.baseDir, options.removeBaseDir ? '1' : '0'];
    const child = (0, node_child_process_1.spawn)(process.execPath, ['-e', REAPER_SOURCE, ...args], { detached: true, stdio: 'ignore' });
    child.unref();
    return {
        pid: child.pid ?? -1,
        stop: () => {
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGTERM');
        },
    };
}
