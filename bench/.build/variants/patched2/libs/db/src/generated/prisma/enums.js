"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ValidationState = exports.TemplateStatus = void 0;
exports.TemplateStatus = {
    Inactive: 'Inactive',
    Active: 'Active'
};
exports.ValidationState = {
    pending: 'pending',
    running: 'running',
    passed: 'passed',
    failed: 'failed'
};
//# sourceMappingURL=enums.js.map