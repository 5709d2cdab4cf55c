"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.snapshotCpu = snapshotCpu;
exports.cpuBetween = cpuBetween;
const node_fs_1 = require("node:fs");
const TICKS_PER_SECOND = 100;
function readProcess(pid) {
    try {
        const stat = (0, node_fs_1.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const fields = stat.slice(close + 2).split(' ');
        return {
            comm,
            ppid: Number(fields[1]),
            ownTicks: Number(fields[11]) + Number(fields[12]),
            childTicks: Number(fields[13]) + Number(fields[14]),
        };
    }
    catch {
        return undefined;
    }
}
function snapshotCpu() {
    const processes = new Map();
    for (const entry of (0, node_fs_1.readdirSync)('/proc')) {
        if (!/^\d+$/.test(entry))
            continue;
        const info = readProcess(Number(entry));
        if (info)
            processes.set(Number(entry), info);
    }
    const cpu = (0, node_fs_1.readFileSync)('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = cpu.slice(0, 8).reduce((sum, value) => sum + value, 0) - cpu[3] - cpu[4];
    return { at: performance.now(), machineBusyTicks: busy, processes };
}
function cpuBetween(before, after, roles) {
    const rolesByPid = new Map();
    for (const [role, pid] of Object.entries(roles))
        if (pid !== undefined)
            rolesByPid.set(pid, role);
    const self = process.pid;
    const isOurs = (pid) => {
        for (let at = pid, hops = 0; at > 1 && hops < 20; hops++) {
            if (at === self)
                return true;
            const info = after.processes.get(at) ?? before.processes.get(at);
            if (!info)
                return false;
            at = info.ppid;
        }
        return false;
    };
    const cpuSec = {};
    let ours = 0;
    const add = (role, ticks) => {
        if (ticks <= 0)
            return;
        cpuSec[role] = (cpuSec[role] ?? 0) + ticks / TICKS_PER_SECOND;
        ours += ticks;
    };
    for (const [pid, end] of after.processes) {
        if (!isOurs(pid))
            continue;
        const start = before.processes.get(pid);
        const own = end.ownTicks - (start?.ownTicks ?? 0);
        const children = end.childTicks - (start?.childTicks ?? 0);
        if (pid === self) {
            add('orchestrator + token issuer', own);
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
