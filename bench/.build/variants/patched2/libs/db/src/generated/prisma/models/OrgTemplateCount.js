"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=OrgTemplateCount.js.map