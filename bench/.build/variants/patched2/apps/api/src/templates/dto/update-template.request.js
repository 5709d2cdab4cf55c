"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseUpdateTemplateRequest = parseUpdateTemplateRequest;
const common_1 = require("../../../../../libs/common/src");
const create_template_request_1 = require("./create-template.request");
const WRITABLE_FIELDS = new Set(['name', 'description', 'image', 'category', 'oci_registry_username', 'oci_registry_token']);
function parseUpdateTemplateRequest(body) {
    const fields = (0, create_template_request_1.requireObject)(body);
    (0, create_template_request_1.rejectUnknownFields)(fields, WRITABLE_FIELDS);
    if (Object.keys(fields).length === 0)
        throw common_1.DomainError.validation('body', 'must contain at least one field to change');
    const request = {};
    if ('name' in fields)
        request.name = (0, create_template_request_1.parseName)(fields.name);
    if ('description' in fields)
        request.description = (0, create_template_request_1.parseDescription)(fields.description);
    if ('category' in fields)
        request.category = (0, create_template_request_1.parseCategory)(fields.category);
    if ('image' in fields)
        request.image = (0, create_template_request_1.parseImage)(fields.image);
    const username = fields.oci_registry_username;
    const token = fields.oci_registry_token;
    if (username === null || token === null) {
        if ((username !== undefined && username !== null) || (token !== undefined && token !== null)) {
            throw common_1.DomainError.validation('oci_registry_token', 'null removes the credentials: send null for both, or values for both');
        }
        request.username = null;
        request.token = null;
        return request;
    }
    if (username !== undefined)
        request.username = (0, create_template_request_1.parseUsername)(username);
    if (token !== undefined)
        request.token = (0, create_template_request_1.parseToken)(token);
    return request;
}
//# sourceMappingURL=update-template.request.js.map