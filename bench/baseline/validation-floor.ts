/**
 * The floor for validation: the bare HTTP exchanges of one validation against the registry,
 * with nothing else (no queue, no database, no verification, no caches), run as its own
 * process (`node validation-floor.js <spec.json>`, one JSON result line on stdout) so it never
 * shares an event loop with the orchestrator, which hosts the registry's token issuer.
 *
 * Per image: HEAD the manifest, GET it, GET the config blob, HEAD every layer (at once), on
 * keep-alive connections from one undici Agent, `concurrency` images at a time. With
 * `signatures`, also what a client checking cosign signatures must fetch on a registry without
 * the referrers API (cosign's default tag scheme): GET the `sha256-<hex>.sig` manifest, then its
 * payload blob(s), in parallel with the config and layers (no verification). Tokens are
 * fetched before the clock starts unless `tokenFetch` is set (then one token request per image
 * is timed too, as the worker needs one per repository). One warm-up exchange opens the
 * connections first, as the worker's warm-up validation does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';

export interface FloorSpec {
  registryUrl: string;
  caFile: string;
  /** `repository:tag` on that registry. */
  references: string[];
  warmUp: string;
  concurrency: number;
  token: { realm: string; service: string; username: string; password: string };
  tokenFetch: boolean;
  /** Add the signature exchanges (`.sig` manifest, payload blobs). */
  signatures: boolean;
}

export interface FloorResult {
  validations: number;
  seconds: number;
  validationsPerSec: number;
  requests: number;
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as FloorSpec;
  const agent = new Agent({ connections: spec.concurrency * 2, connect: { ca: readFileSync(spec.caFile, 'utf8') } });
  let requests = 0;
  const send = async (url: string, method: 'GET' | 'HEAD', headers: Record<string, string>): Promise<Buffer> => {
    requests++;
    const { statusCode, body } = await agent.request({ origin: new URL(url).origin, path: url.slice(new URL(url).origin.length), method, headers });
    const bytes = Buffer.from(await body.arrayBuffer());
    if (statusCode < 200 || statusCode >= 300) throw new Error(`${method} ${url}: HTTP ${statusCode}`);
    return bytes;
  };
  const basic = `Basic ${Buffer.from(`${spec.token.username}:${spec.token.password}`).toString('base64')}`;
  const tokenFor = async (repository: string): Promise<string> => {
    const url = new URL(spec.token.realm);
    url.searchParams.set('service', spec.token.service);
    url.searchParams.set('scope', `repository:${repository}:pull`);
    const body = JSON.parse((await send(url.href, 'GET', { authorization: basic })).toString('utf8')) as { token: string };
    return body.token;
  };
  const exchange = async (reference: string, token: string | undefined): Promise<void> => {
    const [repository, tag] = reference.split(':');
    const auth = { authorization: `Bearer ${token ?? (await tokenFor(repository))}` };
    const base = `${spec.registryUrl}/v2/${repository}`;
    await send(`${base}/manifests/${tag}`, 'HEAD', { ...auth, accept: ACCEPT });
    const bytes = await send(`${base}/manifests/${tag}`, 'GET', { ...auth, accept: ACCEPT });
    const manifest = JSON.parse(bytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    const image = async () => {
      await send(`${base}/blobs/${manifest.config.digest}`, 'GET', auth);
      await Promise.all(manifest.layers.map((layer) => send(`${base}/blobs/${layer.digest}`, 'HEAD', auth)));
    };
    const signatures = async () => {
      const sigTag = `sha256-${createHash('sha256').update(bytes).digest('hex')}.sig`;
      const sig = JSON.parse((await send(`${base}/manifests/${sigTag}`, 'GET', { ...auth, accept: ACCEPT })).toString('utf8')) as { layers: { digest: string }[] };
      await Promise.all(sig.layers.map((layer) => send(`${base}/blobs/${layer.digest}`, 'GET', auth)));
    };
    await Promise.all([image(), spec.signatures ? signatures() : undefined]);
  };

  await exchange(spec.warmUp, undefined);
  const tokens = spec.tokenFetch ? [] : await Promise.all(spec.references.map((ref) => tokenFor(ref.split(':')[0])));
  requests = 0;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < spec.references.length) {
      const index = next++;
      await exchange(spec.references[index], tokens[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.references.length) }, lane));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  const result: FloorResult = { validations: spec.references.length, seconds, validationsPerSec: spec.references.length / seconds, requests };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
