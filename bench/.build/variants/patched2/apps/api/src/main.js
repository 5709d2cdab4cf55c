"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("reflect-metadata");
const config_1 = require("../../../libs/config/src");
const common_1 = require("../../../libs/common/src");
const create_api_app_1 = require("./create-api-app");
async function main() {
    const config = (0, config_1.loadConfig)('api');
    const logger = (0, common_1.createLogger)(config, 'api');
    const app = await (0, create_api_app_1.createApiApp)(config, logger);
    await app.listen(config.http.port, config.http.host);
    logger.info({ port: config.http.port, devMode: config.devMode }, 'API listening');
}
main().catch((error) => {
    process.stderr.write(`api failed to start: ${error.message}\n`);
    process.exit(1);
});
//# sourceMappingURL=main.js.map