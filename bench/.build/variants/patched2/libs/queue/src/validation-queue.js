"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ValidationJobName = exports.VALIDATION_QUEUE = void 0;
exports.VALIDATION_QUEUE = 'template-validation';
var ValidationJobName;
(function (ValidationJobName) {
    ValidationJobName["ValidateTemplate"] = "validate-template";
})(ValidationJobName || (exports.ValidationJobName = ValidationJobName = {}));
//# sourceMappingURL=validation-queue.js.map