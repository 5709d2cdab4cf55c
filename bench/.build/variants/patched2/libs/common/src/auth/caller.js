"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=caller.js.map