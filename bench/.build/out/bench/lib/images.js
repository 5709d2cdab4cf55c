"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.pushBenchImages = pushBenchImages;
const images_1 = require("../../test/support/images");
const environment_1 = require("../../test/support/environment");
const context_1 = require("./context");
async function pushBenchImages(env, count) {
    const registry = env.registries.token;
    const target = (0, environment_1.registryTarget)(registry);
    const pushed = await (0, context_1.mapConcurrently)([...Array(count + 1).keys()], 16, (index) => (0, images_1.pushImage)(target, {
        kind: 'image',
        repository: index === count ? 'gpu/bench-warm-up' : `gpu/bench-${index}`,
        tag: 'v1',
        exposedPorts: ['8888/tcp', '22/tcp'],
        env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'CUDA_VERSION=12.4.1'],
        labels: { 'bench.index': String(index) },
        layers: [{ files: { 'opt/bench/app.py': 'print("benchmark")\n' } }],
    }));
    const reader = registry.users.reader;
    const refs = pushed.map((image) => `${registry.host}/${image.reference}`);
    return {
        refs: refs.slice(0, count),
        warmUp: refs[count],
        digests: pushed.slice(0, count).map((image) => image.digest),
        reader: { username: reader.username, password: reader.password },
        registryHost: registry.host,
    };
}
