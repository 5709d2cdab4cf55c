"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.rotateRegistryTokens = rotateRegistryTokens;
const PAGE = 200;
async function rotateRegistryTokens(templates, cipher, log) {
    const report = { scanned: 0, reencrypted: 0, alreadyCurrent: 0, changedMeanwhile: 0, failed: 0 };
    let afterId = null;
    for (;;) {
        const page = await templates.listTokenCiphertexts(afterId, PAGE);
        if (page.length === 0)
            break;
        for (const row of page) {
            report.scanned++;
            try {
                const next = await cipher.reencryptUnderPrimary(row.ciphertext, { orgId: row.orgId, templateId: row.id });
                if (!next)
                    report.alreadyCurrent++;
                else if (await templates.replaceTokenCiphertext(row.id, row.ciphertext, next))
                    report.reencrypted++;
                else
                    report.changedMeanwhile++;
            }
            catch (error) {
                report.failed++;
                log(`template ${row.id}: ${error.message}`);
            }
        }
        afterId = page[page.length - 1].id;
        log(`… ${report.scanned} scanned`);
    }
    return report;
}
//# sourceMappingURL=key-rotation.js.map