"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.LOGGER = exports.PinoNestLogger = exports.REDACTED_LOG_PATHS = void 0;
exports.createLogger = createLogger;
const pino_1 = __importDefault(require("pino"));
exports.REDACTED_LOG_PATHS = [
    'req.headers.authorization',
    'req.headers.cookie',
    'headers.authorization',
    'authorization',
    'password',
    'token',
    'oci_registry_token',
    '*.authorization',
    '*.password',
    '*.token',
    '*.oci_registry_token',
    '*.*.oci_registry_token',
    'body.oci_registry_token',
];
function createLogger(config, name, destination) {
    const options = {
        name,
        level: config.log.level,
        redact: { paths: exports.REDACTED_LOG_PATHS, censor: '[redacted]' },
        base: { service: name },
        timestamp: pino_1.default.stdTimeFunctions.isoTime,
        transport: config.log.pretty
            ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } }
            : undefined,
    };
    return destination ? (0, pino_1.default)(options, destination) : (0, pino_1.default)(options);
}
class PinoNestLogger {
    logger;
    constructor(logger) {
        this.logger = logger;
    }
    log(message, context) {
        this.logger.info({ context }, String(message));
    }
    error(message, trace, context) {
        this.logger.error({ context, trace }, String(message));
    }
    warn(message, context) {
        this.logger.warn({ context }, String(message));
    }
    debug(message, context) {
        this.logger.debug({ context }, String(message));
    }
    verbose(message, context) {
        this.logger.trace({ context }, String(message));
    }
}
exports.PinoNestLogger = PinoNestLogger;
exports.LOGGER = Symbol('LOGGER');
//# sourceMappingURL=logging.js.map