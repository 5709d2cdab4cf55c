"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ServiceMetrics = exports.METRICS = void 0;
const prom_client_1 = require("prom-client");
exports.METRICS = Symbol('METRICS');
class ServiceMetrics {
    registry = new prom_client_1.Registry();
    httpRequestDuration = new prom_client_1.Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration by method, route and status',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [this.registry],
    });
    templatesCreated = new prom_client_1.Counter({
        name: 'templates_created_total',
        help: 'Templates created through the API',
        registers: [this.registry],
    });
    validations = new prom_client_1.Counter({
        name: 'template_validations_total',
        help: 'Finished validations by outcome (passed, failed, retrying, skipped) and error code',
        labelNames: ['outcome', 'code'],
        registers: [this.registry],
    });
    validationDuration = new prom_client_1.Histogram({
        name: 'template_validation_duration_seconds',
        help: 'Time to validate one template against its registry',
        labelNames: ['outcome'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers: [this.registry],
    });
    queueJobs = new prom_client_1.Gauge({
        name: 'validation_queue_jobs',
        help: 'Validation jobs by state (waiting, active, delayed, failed)',
        labelNames: ['state'],
        registers: [this.registry],
    });
    sweepReenqueued = new prom_client_1.Counter({
        name: 'validation_sweep_reenqueued_total',
        help: 'Templates the outbox sweep found without a live job and enqueued again',
        registers: [this.registry],
    });
    revalidationsScheduled = new prom_client_1.Counter({
        name: 'template_revalidations_scheduled_total',
        help: 'Active templates queued for periodic re-validation',
        registers: [this.registry],
    });
    constructor(processName) {
        this.registry.setDefaultLabels({ process: processName });
        (0, prom_client_1.collectDefaultMetrics)({ register: this.registry });
    }
}
exports.ServiceMetrics = ServiceMetrics;
//# sourceMappingURL=metrics.js.map