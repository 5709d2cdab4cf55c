"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=image-validation-report.js.map