import { parseDigest } from '../digest';
import { RegistryError, sanitizeRegistryMessage } from '../errors';
import { MediaType } from '../media-types';
import { FetchedManifest, RepositoryReader } from '../repository-reader';
import { CosignAnnotation, CosignMediaType, signatureTag } from './cosign-layout';

/** Bounds on the work one validation spends on signatures. */
export interface SignatureLimits {
  /** Signature manifests read (referrers of the cosign signature type, plus the `.sig` tag). */
  readonly maxSignatureManifests: number;
  /** Signature layers checked in all (cosign appends one layer per `cosign sign`). */
  readonly maxSignatures: number;
  /** Largest payload blob fetched (cosign payloads are a few hundred bytes). */
  readonly maxPayloadBytes: number;
  /** Requests in flight at once for manifests and payloads. */
  readonly concurrency: number;
  /**
   * Signature-by-key checks per image (signatures × trusted keys, each key tried until one
   * verifies). Ed25519ph costs ~2 ms in JavaScript, so 32 junk signatures against 20 keys must not
   * take a worker core for a second.
   */
  readonly maxVerifications: number;
}

export const DEFAULT_SIGNATURE_LIMITS: SignatureLimits = {
  maxSignatureManifests: 8,
  maxSignatures: 32,
  maxPayloadBytes: 64 * 1024,
  concurrency: 4,
  maxVerifications: 128,
};

/** One signature layer found for the digest, with its payload when it could be read. */
export interface SignatureCandidate {
  /** Where it was found: `referrers` (OCI 1.1 API) or `tag` (`sha256-<hex>.sig`). */
  readonly source: 'referrers' | 'tag';
  readonly layerDigest: string;
  /** The `dev.cosignproject.cosign/signature` annotation, as found. */
  readonly signature: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly payload?: Buffer;
  /** Why this signature cannot be checked (no payload then). */
  readonly problem?: string;
}

/** Something found that is not a checkable signature: recorded as a finding without a key. */
export interface DiscoveryNote {
  readonly problem: string;
}

export interface DiscoveryResult {
  readonly candidates: SignatureCandidate[];
  readonly notes: DiscoveryNote[];
}

const SIGNATURE_MANIFEST_ACCEPT = [MediaType.OciManifest, MediaType.DockerManifest];

/**
 * Finds cosign signatures of `digest`: the referrers API (cosign `--registry-referrers-mode=oci-1-1`)
 * and the `sha256-<hex>.sig` tag (cosign's default mode) are asked at the same time. The issue asks
 * for the tag "when the registry has no referrers API"; the tag is read in every case because
 * registries that do have the API (ghcr.io, Docker Hub, ECR, Harbor) still receive cosign's default
 * tag-based signatures there, and both answers cost one round trip together. Transient registry
 * errors are thrown (the validation is retried); permanent ones become notes.
 */
export async function discoverSignatures(
  reader: RepositoryReader,
  digest: string,
  limits: SignatureLimits = DEFAULT_SIGNATURE_LIMITS,
): Promise<DiscoveryResult> {
  if (!parseDigest(digest)) throw new Error(`discoverSignatures needs a digest, got "${digest}"`);
  const notes: DiscoveryNote[] = [];
  const [referrers, tagged] = await Promise.all([
    settle(reader.fetchReferrers(digest)),
    settle(reader.fetchManifest(signatureTag(digest), SIGNATURE_MANIFEST_ACCEPT)),
  ]);

  const manifests: { source: SignatureCandidate['source']; manifest: FetchedManifest }[] = [];
  const referred = unwrap(referrers, notes, 'Looking up the referrers of the image failed') ?? [];
  const signatureReferrers = referred.filter((r) => r.artifactType === CosignMediaType.SignatureArtifact);
  const bundles = referred.filter((r) => r.artifactType === CosignMediaType.SigstoreBundle).length;
  if (bundles > 0) {
    notes.push({
      problem: `${bundles === 1 ? 'a Sigstore bundle signature' : `${bundles} Sigstore bundle signatures`} (the default format of cosign 3) ${bundles === 1 ? 'is' : 'are'} not checked: this service verifies cosign's simple-signing signatures; sign with \`cosign sign --new-bundle-format=false\``,
    });
  }
  const tagManifest = unwrap(tagged, notes, `Reading the signature tag ${signatureTag(digest)} failed`);
  const budget = Math.max(0, limits.maxSignatureManifests - (tagManifest ? 1 : 0));
  if (signatureReferrers.length > budget) {
    notes.push({ problem: `only ${budget} of ${signatureReferrers.length} signature referrers were read (the limit per image)` });
  }
  const fetched = await mapBounded(signatureReferrers.slice(0, budget), limits.concurrency, (referrer) =>
    settle(reader.fetchManifest(referrer.digest, [MediaType.OciManifest])),
  );
  for (const [i, result] of fetched.entries()) {
    const manifest = unwrap(result, notes, `Reading signature manifest ${signatureReferrers[i].digest} failed`);
    if (manifest) manifests.push({ source: 'referrers', manifest });
  }
  if (tagManifest && !manifests.some((entry) => entry.manifest.digest === tagManifest.digest)) {
    manifests.push({ source: 'tag', manifest: tagManifest });
  }

  const layers = collectLayers(manifests, notes, limits);
  const candidates = await mapBounded(layers, limits.concurrency, (layer) => readPayload(reader, layer, limits));
  return { candidates, notes };
}

interface LayerToRead {
  source: SignatureCandidate['source'];
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

function collectLayers(
  manifests: { source: SignatureCandidate['source']; manifest: FetchedManifest }[],
  notes: DiscoveryNote[],
  limits: SignatureLimits,
): LayerToRead[] {
  const layers: LayerToRead[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const { source, manifest } of manifests) {
    const parsed = signatureLayers(manifest.bytes);
    if (parsed === undefined) {
      notes.push({ problem: `signature manifest ${manifest.digest} is not an image manifest with layers` });
      continue;
    }
    for (const layer of parsed) {
      const key = `${layer.digest} ${layer.annotations[CosignAnnotation.Signature]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (layers.length >= limits.maxSignatures) skipped++;
      else layers.push({ source, ...layer });
    }
  }
  if (skipped > 0) notes.push({ problem: `${skipped} more signatures were not checked (at most ${limits.maxSignatures} per image)` });
  return layers;
}

/** The simple-signing layers of a signature manifest that carry a signature; undefined when it is no manifest. */
function signatureLayers(bytes: Buffer): Omit<LayerToRead, 'source'>[] | undefined {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const layers = (document as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) return undefined;
  const result: Omit<LayerToRead, 'source'>[] = [];
  for (const layer of layers as unknown[]) {
    if (typeof layer !== 'object' || layer === null) continue;
    const { mediaType, digest, size, annotations } = layer as Record<string, unknown>;
    if (mediaType !== CosignMediaType.SimpleSigningLayer || typeof digest !== 'string' || !parseDigest(digest)) continue;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) continue;
    const strings = stringMap(annotations);
    if (typeof strings[CosignAnnotation.Signature] !== 'string') continue;
    result.push({ digest, size, annotations: strings });
  }
  return result;
}

async function readPayload(reader: RepositoryReader, layer: LayerToRead, limits: SignatureLimits): Promise<SignatureCandidate> {
  const base = {
    source: layer.source,
    layerDigest: layer.digest,
    signature: layer.annotations[CosignAnnotation.Signature],
    annotations: layer.annotations,
  };
  if (layer.size > limits.maxPayloadBytes) {
    return { ...base, problem: `its payload is ${layer.size} bytes, more than the ${limits.maxPayloadBytes} bytes a signature payload may have` };
  }
  const payload = await settle(reader.fetchBlob(layer.digest, limits.maxPayloadBytes));
  if (payload.ok) return { ...base, payload: payload.value };
  const problem = permanentProblem(payload.error, `its payload ${layer.digest} could not be read`);
  return { ...base, problem };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(result: Settled<T>, notes: DiscoveryNote[], what: string): T | undefined {
  if (result.ok) return result.value;
  notes.push({ problem: permanentProblem(result.error, what) });
  return undefined;
}

/** Rethrows anything a retry may fix (and anything that is not a registry answer); describes the rest. */
function permanentProblem(error: unknown, what: string): string {
  if (!(error instanceof RegistryError) || error.retryable) throw error;
  return `${what}: ${sanitizeRegistryMessage(error.message)}`;
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight, results in input order.
 * Hand-written on purpose: p-limit, the usual package, is ESM-only, and this is the whole of it.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
