"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.HttpExceptionFilter = void 0;
exports.sendError = sendError;
const common_1 = require("@nestjs/common");
const error_body_1 = require("./error-body");
const logging_1 = require("./logging");
let HttpExceptionFilter = class HttpExceptionFilter {
    logger;
    constructor(logger) {
        this.logger = logger;
    }
    catch(error, host) {
        const http = host.switchToHttp();
        const request = http.getRequest();
        const reply = http.getResponse();
        sendError(this.logger, request, reply, error);
    }
};
exports.HttpExceptionFilter = HttpExceptionFilter;
exports.HttpExceptionFilter = HttpExceptionFilter = __decorate([
    (0, common_1.Catch)(),
    __param(0, (0, common_1.Inject)(logging_1.LOGGER)),
    __metadata("design:paramtypes", [Object])
], HttpExceptionFilter);
function sendError(logger, request, reply, error) {
    const mapped = (0, error_body_1.mapError)(error, String(request.id));
    if (mapped.unexpected) {
        logger.error({ err: error, requestId: request.id, route: request.routeOptions?.url }, 'unhandled error');
    }
    else if (mapped.status === 503) {
        logger.warn({ requestId: request.id, err: { message: error?.message } }, 'dependency unavailable');
    }
    reply.headers(mapped.headers).code(mapped.status).send(mapped.body);
}
//# sourceMappingURL=http-exception.filter.js.map