/**
 * The demo registry of `npm start` (development only; scripts/start.sh runs it unless
 * NODE_ENV=production): Debian's docker-registry on 127.0.0.1:<port> over TLS, with a CA
 * generated for it, holding the demo images (demo-images.ts), one of them signed with a demo
 * key kept between runs. The worker is started after it and trusts that CA and allows that
 * loopback address because config.demoRegistry says so, which libs/config refuses in production.
 *
 *   node demo/.build/out/demo/main.js --dir <DATA_DIR>/demo-registry --port 5443
 *
 * Writes into --dir: tls/ (CA and server certificate, new each run), ca.crt (the CA the worker
 * trusts), registry/ (config, storage, log), signing.key and cosign.pub (the demo key pair, kept),
 * image-policy.json (a policy trusting cosign.pub), and `ready` once everything is pushed. It
 * stays in the foreground with the registry as its child until SIGTERM or SIGINT.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { TestKeyPair } from '../test/support/cosign-signer';
import { startRegistry } from '../test/support/services/registry';
import { createTestCertificates } from '../test/support/services/tls';
import { demoImagePolicy, pushDemoImages } from './demo-images';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, port: { type: 'string' } } });
  if (!values.dir || !values.port || !/^\d{1,5}$/.test(values.port)) throw new Error('usage: main.js --dir <dir> --port <port>');
  const dir = path.resolve(values.dir);
  const port = Number(values.port);
  await mkdir(dir, { recursive: true });
  await rm(path.join(dir, 'ready'), { force: true });

  // A new CA and certificate every run (they are valid for days): the worker, started after
  // this, reads the CA at boot.
  await rm(path.join(dir, 'tls'), { recursive: true, force: true });
  const certificates = await createTestCertificates(dir);
  await copyFile(certificates.caCert, path.join(dir, 'ca.crt'));
  const key = await demoSigningKey(dir);

  const registry = await startRegistry(dir, { certificates, auth: { mode: 'anonymous' }, name: 'registry', port }).catch((error: Error) => {
    throw new Error(`the demo registry could not start on 127.0.0.1:${port} (set DEMO_REGISTRY_PORT to use another port): ${error.message}`);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void registry.stop().finally(() => process.exit(0)));
  }

  const images = await pushDemoImages({ url: registry.url, caFile: certificates.caCert, host: registry.host }, key);
  await writeFile(path.join(dir, 'image-policy.json'), `${JSON.stringify(demoImagePolicy(key), null, 2)}\n`);
  const references = Object.values(images).map((image) => `${registry.host}/${image.reference}`);
  await writeFile(path.join(dir, 'ready'), `${references.join('\n')}\n`);
  process.stdout.write(`Demo registry on ${registry.host}: ${references.join(', ')}\n`);
}

/** The demo's ECDSA P-256 key (cosign generate-key-pair's type), created once and kept in `dir`. */
async function demoSigningKey(dir: string): Promise<TestKeyPair> {
  const file = path.join(dir, 'signing.key');
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch {
    pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(file, pem, { mode: 0o600 });
  }
  const privateKey = createPrivateKey(pem);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  await writeFile(path.join(dir, 'cosign.pub'), publicKeyPem);
  return { kind: 'ecdsa-p256', privateKey, publicKeyPem };
}

main().catch((error: Error) => {
  process.stderr.write(`demo registry: ${error.message}\n`);
  process.exit(1);
});
