"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CurrentCaller = void 0;
const common_1 = require("@nestjs/common");
exports.CurrentCaller = (0, common_1.createParamDecorator)((_data, context) => {
    const request = context.switchToHttp().getRequest();
    if (!request.caller)
        throw new Error('CurrentCaller used on a route without AuthGuard');
    return request.caller;
});
//# sourceMappingURL=current-caller.decorator.js.map