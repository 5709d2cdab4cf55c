"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_APPS = exports.APPS_LABEL = void 0;
exports.deriveApps = deriveApps;
exports.parseAppsLabel = parseAppsLabel;
exports.APPS_LABEL = 'ai.airuntime.apps';
exports.MAX_APPS = 64;
const APP_PROTOCOLS = new Set(['HTTP', 'TCP', 'UDP', 'WebSocket']);
const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;
const MAX_LABEL_LENGTH = 16 * 1024;
const WELL_KNOWN_TCP_PORTS = new Map([
    [22, { name: 'ssh', protocol: 'TCP', isUI: false }],
    [80, { name: 'http', protocol: 'HTTP', isUI: true }],
    [3000, { name: 'web', protocol: 'HTTP', isUI: true }],
    [5000, { name: 'http-5000', protocol: 'HTTP', isUI: false }],
    [6006, { name: 'tensorboard', protocol: 'HTTP', isUI: true }],
    [7860, { name: 'gradio', protocol: 'HTTP', isUI: true }],
    [8000, { name: 'api', protocol: 'HTTP', isUI: false }],
    [8080, { name: 'http-8080', protocol: 'HTTP', isUI: true }],
    [8265, { name: 'ray-dashboard', protocol: 'HTTP', isUI: true }],
    [8501, { name: 'streamlit', protocol: 'HTTP', isUI: true }],
    [8888, { name: 'jupyter', protocol: 'HTTP', isUI: true }],
]);
function deriveApps(source) {
    const declared = parseAppsLabel(source.labels?.[exports.APPS_LABEL]);
    const apps = declared ?? (source.exposedPorts ?? []).map(appForExposedPort).filter((a) => a !== undefined);
    return normalize(apps);
}
function parseAppsLabel(label) {
    if (label === undefined || label.length > MAX_LABEL_LENGTH)
        return undefined;
    let value;
    try {
        value = JSON.parse(label);
    }
    catch {
        return undefined;
    }
    if (!Array.isArray(value))
        return undefined;
    const apps = [];
    for (const entry of value) {
        const app = toAppSpec(entry);
        if (!app)
            return undefined;
        apps.push(app);
    }
    return apps;
}
function toAppSpec(entry) {
    if (typeof entry !== 'object' || entry === null)
        return undefined;
    const { name, port, protocol, isUI } = entry;
    if (typeof name !== 'string' || !APP_NAME.test(name))
        return undefined;
    if (!isPort(port))
        return undefined;
    if (typeof protocol !== 'string' || !APP_PROTOCOLS.has(protocol))
        return undefined;
    if (typeof isUI !== 'boolean')
        return undefined;
    return { name, port, protocol: protocol, isUI };
}
function appForExposedPort(key) {
    const match = /^([0-9]{1,5})(?:\/(tcp|udp))?$/i.exec(key.trim());
    if (!match)
        return undefined;
    const port = Number(match[1]);
    if (!isPort(port))
        return undefined;
    if (match[2]?.toLowerCase() === 'udp') {
        return { name: `port-${port}-udp`, port, protocol: 'UDP', isUI: false };
    }
    const known = WELL_KNOWN_TCP_PORTS.get(port);
    return known ? { ...known, port } : { name: `port-${port}`, port, protocol: 'TCP', isUI: false };
}
function normalize(apps) {
    const seen = new Set();
    const unique = apps.filter((app) => {
        const key = `${app.port}/${app.protocol === 'UDP' ? 'udp' : 'tcp'}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
    unique.sort((a, b) => a.port - b.port || Number(a.protocol === 'UDP') - Number(b.protocol === 'UDP'));
    return unique.slice(0, exports.MAX_APPS);
}
function isPort(value) {
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}
//# sourceMappingURL=apps.js.map