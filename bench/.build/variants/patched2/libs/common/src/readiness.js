"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkReadiness = checkReadiness;
async function checkReadiness(checks, timeoutMs) {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => withTimeout(checks[name](), timeoutMs)));
    const report = { status: 'ok', checks: {} };
    names.forEach((name, index) => {
        report.checks[name] = results[index];
        if (results[index] !== 'ok')
            report.status = 'unavailable';
    });
    return report;
}
async function withTimeout(check, timeoutMs) {
    let timer;
    const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(`unreachable (no answer within ${timeoutMs} ms)`), timeoutMs);
    });
    try {
        return await Promise.race([check.then(() => 'ok'), timeout]);
    }
    catch (error) {
        return `unreachable (${String(error?.message ?? error).slice(0, 120)})`;
    }
    finally {
        clearTimeout(timer);
    }
}
//# sourceMappingURL=readiness.js.map