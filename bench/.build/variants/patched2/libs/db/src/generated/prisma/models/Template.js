"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=Template.js.map