"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.toResponse = toResponse;
function toResponse(template) {
    return {
        id: template.id,
        name: template.name,
        description: template.description,
        image: template.image,
        oci_registry_username: template.ociRegistryUsername,
        apps: template.apps,
        owner_org_id: template.orgId,
        created_by: template.createdBy,
        category: template.category,
        created_at: template.createdAt.toISOString(),
        updated_at: template.updatedAt.toISOString(),
        status: template.status,
        validation: {
            state: template.validation.state,
            error: template.validation.error,
            checked_at: template.validation.checkedAt?.toISOString() ?? null,
            attempts: template.validation.attempts,
            report: template.validation.report,
        },
    };
}
//# sourceMappingURL=template.response.js.map