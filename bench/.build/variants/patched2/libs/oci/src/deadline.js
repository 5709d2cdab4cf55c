"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Deadline = void 0;
exports.abortReason = abortReason;
exports.raceWithSignal = raceWithSignal;
const errors_1 = require("./errors");
class Deadline {
    signal;
    timer;
    unlink;
    constructor(ms, what, parent) {
        const controller = new AbortController();
        this.timer = setTimeout(() => controller.abort(new errors_1.RegistryError('registry_unreachable', `${what} did not finish within ${ms} ms.`, { retryable: true })), ms);
        this.timer.unref();
        const onParentAbort = () => controller.abort(parent?.reason);
        if (parent?.aborted)
            onParentAbort();
        else
            parent?.addEventListener('abort', onParentAbort, { once: true });
        this.unlink = () => parent?.removeEventListener('abort', onParentAbort);
        this.signal = controller.signal;
    }
    clear() {
        clearTimeout(this.timer);
        this.unlink();
    }
}
exports.Deadline = Deadline;
function abortReason(signal) {
    const reason = signal.reason;
    return reason instanceof Error ? reason : new Error('The operation was aborted.');
}
function raceWithSignal(promise, signal) {
    if (signal.aborted)
        return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(abortReason(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then((value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
        });
    });
}
//# sourceMappingURL=deadline.js.map