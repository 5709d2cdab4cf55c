"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.packageOf = packageOf;
exports.summarizeProfile = summarizeProfile;
exports.renderProfileSummary = renderProfileSummary;
const node_fs_1 = require("node:fs");
function packageOf(url, functionName) {
    if (!url)
        return functionName.startsWith('(') ? functionName : '(native)';
    const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (modules)
        return modules[1];
    if (url.startsWith('node:'))
        return url.replace(/^node:(internal\/)?([^/]+).*/, 'node:$2');
    const ours = /\/(apps\/[^/]+|libs\/[^/]+)\//.exec(url);
    if (ours)
        return ours[1];
    return url.replace(/^file:\/\//, '');
}
function summarizeProfile(file, top = 15) {
    const profile = JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'));
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map();
    for (const node of profile.nodes)
        for (const child of node.children ?? [])
            parents.set(child, node.id);
    const ownFrames = new Set();
    for (const node of profile.nodes) {
        for (let at = node.id; at !== undefined; at = parents.get(at)) {
            if (nodes.get(at).callFrame.url.endsWith('profile-hooks.js')) {
                ownFrames.add(node.id);
                break;
            }
        }
    }
    const selfUs = new Map();
    profile.samples.forEach((id, i) => {
        if (!ownFrames.has(id))
            selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const inclusive = new Map();
    profile.samples.forEach((id, i) => {
        if (ownFrames.has(id) || nodes.get(id).callFrame.functionName === '(idle)')
            return;
        const seen = new Set();
        for (let at = id; at !== undefined; at = parents.get(at)) {
            const { url, functionName } = nodes.get(at).callFrame;
            if (url)
                seen.add(packageOf(url, functionName));
        }
        for (const pkg of seen)
            inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const packages = new Map();
    const functions = new Map();
    let total = 0;
    let idle = 0;
    for (const [id, us] of selfUs) {
        const { callFrame } = nodes.get(id);
        total += us;
        if (callFrame.functionName === '(idle)') {
            idle += us;
            continue;
        }
        const pkg = packageOf(callFrame.url, callFrame.functionName);
        packages.set(pkg, (packages.get(pkg) ?? 0) + us);
        const where = callFrame.url ? `${callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|bench\/\.build\/product)\//, '')}:${callFrame.lineNumber + 1}` : '';
        const key = `${callFrame.functionName}@${where}`;
        const entry = functions.get(key) ?? { name: callFrame.functionName || '(anonymous)', where, us: 0 };
        entry.us += us;
        functions.set(key, entry);
    }
    const busy = total - idle;
    return {
        totalMs: total / 1000,
        busyMs: busy / 1000,
        byPackage: [...packages.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / busy })),
        inclusiveByPackage: [...inclusive.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy })),
        byFunction: [...functions.values()]
            .sort((a, b) => b.us - a.us)
            .slice(0, top)
            .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, share: f.us / busy })),
    };
}
function renderProfileSummary(title, summary) {
    const pct = (share) => `${(share * 100).toFixed(1)} %`;
    return [
        `#### ${title}`,
        '',
        `${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms profiled. V8 samples the JS thread by the ` +
            'wall clock: on a machine with more runnable threads than cores, the time a syscall (writev) waits to get the CPU ' +
            'back is counted to it. Self time by package:',
        '',
        '| package | self ms | share of CPU |',
        '| --- | --- | --- |',
        ...summary.byPackage.map((p) => `| ${p.name} | ${p.selfMs.toFixed(0)} | ${pct(p.share)} |`),
        '',
        'Time with the package on the stack (callees included; a sample counts for every package on its stack):',
        '',
        '| package | ms | share of CPU |',
        '| --- | --- | --- |',
        ...summary.inclusiveByPackage.map((p) => `| ${p.name} | ${p.ms.toFixed(0)} | ${pct(p.share)} |`),
        '',
        'Hottest functions (self time):',
        '',
        '| function | where | self ms | share |',
        '| --- | --- | --- | --- |',
        ...summary.byFunction.map((f) => `| ${f.name} | ${f.where} | ${f.selfMs.toFixed(0)} | ${pct(f.share)} |`),
        '',
    ].join('\n');
}
