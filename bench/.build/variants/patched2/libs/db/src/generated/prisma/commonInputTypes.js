"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=commonInputTypes.js.map