"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.credentialWarnings = exports.MediaType = exports.DEFAULT_REGISTRY_TIMEOUTS = exports.RegistryClient = exports.parseWwwAuthenticate = exports.MAX_CONFIG_BYTES = exports.MAX_MANIFEST_BYTES = exports.blockedAddressCategory = exports.EgressPolicy = exports.MAX_APPS = exports.APPS_LABEL = exports.parseAppsLabel = exports.deriveApps = void 0;
__exportStar(require("./errors"), exports);
__exportStar(require("./image-reference"), exports);
var apps_1 = require("./apps");
Object.defineProperty(exports, "deriveApps", { enumerable: true, get: function () { return apps_1.deriveApps; } });
Object.defineProperty(exports, "parseAppsLabel", { enumerable: true, get: function () { return apps_1.parseAppsLabel; } });
Object.defineProperty(exports, "APPS_LABEL", { enumerable: true, get: function () { return apps_1.APPS_LABEL; } });
Object.defineProperty(exports, "MAX_APPS", { enumerable: true, get: function () { return apps_1.MAX_APPS; } });
var egress_policy_1 = require("./egress-policy");
Object.defineProperty(exports, "EgressPolicy", { enumerable: true, get: function () { return egress_policy_1.EgressPolicy; } });
Object.defineProperty(exports, "blockedAddressCategory", { enumerable: true, get: function () { return egress_policy_1.blockedAddressCategory; } });
var image_inspection_1 = require("./image-inspection");
Object.defineProperty(exports, "MAX_MANIFEST_BYTES", { enumerable: true, get: function () { return image_inspection_1.MAX_MANIFEST_BYTES; } });
Object.defineProperty(exports, "MAX_CONFIG_BYTES", { enumerable: true, get: function () { return image_inspection_1.MAX_CONFIG_BYTES; } });
var www_authenticate_1 = require("./www-authenticate");
Object.defineProperty(exports, "parseWwwAuthenticate", { enumerable: true, get: function () { return www_authenticate_1.parseWwwAuthenticate; } });
var registry_client_1 = require("./registry-client");
Object.defineProperty(exports, "RegistryClient", { enumerable: true, get: function () { return registry_client_1.RegistryClient; } });
Object.defineProperty(exports, "DEFAULT_REGISTRY_TIMEOUTS", { enumerable: true, get: function () { return registry_client_1.DEFAULT_REGISTRY_TIMEOUTS; } });
var media_types_1 = require("./media-types");
Object.defineProperty(exports, "MediaType", { enumerable: true, get: function () { return media_types_1.MediaType; } });
var credential_warnings_1 = require("./credential-warnings");
Object.defineProperty(exports, "credentialWarnings", { enumerable: true, get: function () { return credential_warnings_1.credentialWarnings; } });
//# sourceMappingURL=index.js.map