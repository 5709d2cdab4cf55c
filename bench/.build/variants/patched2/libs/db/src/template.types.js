"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=template.types.js.map