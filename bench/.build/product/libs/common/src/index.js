"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
__exportStar(require("./domain-error"), exports);
__exportStar(require("./error-body"), exports);
__exportStar(require("./http-exception.filter"), exports);
__exportStar(require("./logging"), exports);
__exportStar(require("./auth/caller"), exports);
__exportStar(require("./auth/access-token-verifier"), exports);
__exportStar(require("./auth/auth.guard"), exports);
__exportStar(require("./auth/rate-limit.guard"), exports);
__exportStar(require("./auth/auth.module"), exports);
__exportStar(require("./auth/current-caller.decorator"), exports);
__exportStar(require("./auth/dev-auth-keys"), exports);
__exportStar(require("./readiness"), exports);
__exportStar(require("./observability.module"), exports);
__exportStar(require("./request-logging"), exports);
__exportStar(require("./metrics"), exports);
__exportStar(require("./security-headers"), exports);
//# sourceMappingURL=index.js.map