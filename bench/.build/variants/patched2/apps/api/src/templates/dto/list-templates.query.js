"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_PAGE_SIZE = exports.DEFAULT_PAGE_SIZE = void 0;
exports.parseListQuery = parseListQuery;
exports.encodeCursor = encodeCursor;
const common_1 = require("../../../../../libs/common/src");
exports.DEFAULT_PAGE_SIZE = 50;
exports.MAX_PAGE_SIZE = 200;
const KNOWN_PARAMETERS = new Set(['limit', 'cursor', 'status', 'category', 'name_prefix']);
const STATUSES = ['Inactive', 'Active'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function parseListQuery(query) {
    const params = query ?? {};
    for (const key of Object.keys(params)) {
        if (!KNOWN_PARAMETERS.has(key))
            throw common_1.DomainError.validation(key.slice(0, 64), 'is not a known query parameter');
    }
    const result = { limit: parseLimit(single(params, 'limit')) };
    const cursor = single(params, 'cursor');
    if (cursor !== undefined)
        result.after = decodeCursor(cursor);
    const status = single(params, 'status');
    if (status !== undefined) {
        if (!STATUSES.includes(status))
            throw common_1.DomainError.validation('status', 'must be Inactive or Active');
        result.status = status;
    }
    const category = single(params, 'category');
    if (category !== undefined) {
        if (category.length < 1 || category.length > 64)
            throw common_1.DomainError.validation('category', 'must be 1 to 64 characters long');
        result.category = category;
    }
    const namePrefix = single(params, 'name_prefix');
    if (namePrefix !== undefined) {
        if (namePrefix.length < 1 || namePrefix.length > 100) {
            throw common_1.DomainError.validation('name_prefix', 'must be 1 to 100 characters long');
        }
        result.namePrefix = namePrefix;
    }
    return result;
}
function encodeCursor(position) {
    return Buffer.from(JSON.stringify({ t: position.createdAt.toISOString(), i: position.id })).toString('base64url');
}
function decodeCursor(cursor) {
    try {
        const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        const createdAt = new Date(String(t));
        if (typeof t === 'string' && typeof i === 'string' && UUID.test(i) && !Number.isNaN(createdAt.getTime())) {
            return { createdAt, id: i };
        }
    }
    catch {
    }
    throw common_1.DomainError.validation('cursor', 'is not a cursor returned by this API');
}
function parseLimit(raw) {
    if (raw === undefined)
        return exports.DEFAULT_PAGE_SIZE;
    if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > exports.MAX_PAGE_SIZE) {
        throw common_1.DomainError.validation('limit', `must be a whole number from 1 to ${exports.MAX_PAGE_SIZE}`);
    }
    return Number(raw);
}
function single(params, name) {
    const value = params[name];
    if (value === undefined)
        return undefined;
    if (typeof value !== 'string')
        throw common_1.DomainError.validation(name, 'must be given once');
    return value;
}
//# sourceMappingURL=list-templates.query.js.map