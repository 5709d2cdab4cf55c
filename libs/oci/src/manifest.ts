// The leaf module, not @app/common's index: libs/oci stays free of Nest.
import { shorten } from '@app/common/text';
import { RegistryError, ValidationErrorCode } from './errors';
import {
  essenceOf,
  IMAGE_CONFIG_MEDIA_TYPES,
  IMAGE_MANIFEST_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MediaType,
  SCHEMA1_MEDIA_TYPES,
} from './media-types';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** An OCI content descriptor: what a manifest points at. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
  /** OCI 1.1: the type of an artifact the descriptor points at (a SOCI index, a signature...); absent for images. */
  readonly artifactType?: string;
  /** Where a non-distributable ("foreign") layer can be fetched instead of the registry. */
  readonly urls?: readonly string[];
}

/** A multi-platform image: OCI image index or Docker manifest list. */
export interface ImageIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
}

/** A single-platform image: OCI image manifest or Docker schema 2 manifest. */
export interface ImageManifest {
  readonly kind: 'image';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export type Manifest = ImageIndex | ImageManifest;

/**
 * Parses a manifest body. The media type comes from the body's `mediaType`
 * field, else the Content-Type header, else the document's shape (some
 * registries serve `application/json`). A body whose `mediaType` disagrees with
 * a manifest media type in the Content-Type is refused: which of the two a
 * runtime believes is not defined, and a checked image must be read one way.
 */
export function parseManifest(body: Buffer, contentType: string | undefined): Manifest {
  const document = parseJsonObject(body);
  const mediaType = declaredMediaType(document, contentType);

  if (SCHEMA1_MEDIA_TYPES.has(mediaType)) throw schema1Unsupported();
  if (INDEX_MEDIA_TYPES.has(mediaType)) {
    const manifests = requireArray(document.manifests, 'manifests').map((entry, i) => parseDescriptor(entry, `manifests[${i}]`));
    return { kind: 'index', mediaType, manifests };
  }
  if (IMAGE_MANIFEST_MEDIA_TYPES.has(mediaType)) {
    const config = parseDescriptor(document.config, 'config');
    if (!IMAGE_CONFIG_MEDIA_TYPES.has(config.mediaType)) {
      throw new RegistryError(
        ValidationErrorCode.UnsupportedManifest,
        `The reference points at an OCI artifact (config media type "${printable(config.mediaType)}"), not a container image.`,
      );
    }
    const layers = requireArray(document.layers ?? [], 'layers').map((entry, i) => parseDescriptor(entry, `layers[${i}]`));
    return { kind: 'image', mediaType, config, layers, annotations: parseStringMap(document.annotations) };
  }
  throw new RegistryError(
    ValidationErrorCode.UnsupportedManifest,
    `The manifest media type "${printable(mediaType)}" is not a container image format this service supports (OCI image or Docker schema 2).`,
  );
}

/**
 * The manifest's media type: its `mediaType` field, else the Content-Type, else its shape.
 * Refuses a body whose `mediaType` disagrees with a manifest media type in the Content-Type.
 */
export function declaredMediaType(document: Record<string, unknown>, contentType: string | undefined): string {
  const served = essenceOf(contentType);
  if (served && MANIFEST_MEDIA_TYPES.has(served) && typeof document.mediaType === 'string' && document.mediaType !== served) {
    throw new RegistryError(
      ValidationErrorCode.UnsupportedManifest,
      `The registry served the manifest as "${printable(served)}" but its mediaType says "${printable(document.mediaType)}"; a manifest must declare one type. Push the image again with a current client.`,
    );
  }
  return detectMediaType(document, served);
}

export function schema1Unsupported(): RegistryError {
  return new RegistryError(
    ValidationErrorCode.UnsupportedManifest,
    'The image uses the deprecated Docker schema 1 manifest format, which is not supported. Rebuild and push it with a current Docker or buildx.',
  );
}

function detectMediaType(document: Record<string, unknown>, contentType: string | undefined): string {
  if (typeof document.mediaType === 'string' && document.mediaType !== '') return document.mediaType;
  if (document.schemaVersion === 1) return MediaType.DockerSchema1;
  if (contentType && contentType !== 'application/json' && contentType !== 'text/plain') return contentType;
  if (Array.isArray(document.manifests)) return MediaType.OciIndex;
  if (document.config !== undefined) return MediaType.OciManifest;
  return contentType ?? 'unknown';
}

export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    throw malformed('it is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw malformed('it is not a JSON object');
  }
  return document as Record<string, unknown>;
}

export function parseDescriptor(value: unknown, field: string): Descriptor {
  if (typeof value !== 'object' || value === null) throw malformed(`"${field}" is not a descriptor`);
  const raw = value as Record<string, unknown>;
  if (typeof raw.mediaType !== 'string') throw malformed(`"${field}.mediaType" is missing`);
  if (typeof raw.digest !== 'string') throw malformed(`"${field}.digest" is missing`);
  if (typeof raw.size !== 'number' || !Number.isSafeInteger(raw.size) || raw.size < 0) {
    throw malformed(`"${field}.size" is not a non-negative integer`);
  }
  return {
    mediaType: raw.mediaType,
    digest: raw.digest,
    size: raw.size,
    platform: parsePlatform(raw.platform),
    annotations: parseStringMap(raw.annotations),
    ...(typeof raw.artifactType === 'string' && raw.artifactType !== '' ? { artifactType: raw.artifactType } : {}),
    ...(Array.isArray(raw.urls) ? { urls: raw.urls.filter((u): u is string => typeof u === 'string').slice(0, 8) } : {}),
  };
}

function parsePlatform(value: unknown): Platform | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw.os !== 'string' || typeof raw.architecture !== 'string') return undefined;
  return {
    os: raw.os,
    architecture: raw.architecture,
    ...(typeof raw.variant === 'string' && raw.variant !== '' ? { variant: raw.variant } : {}),
  };
}

function parseStringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}

function requireArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(`"${field}" is not a list`);
  return value;
}

function malformed(reason: string): RegistryError {
  return new RegistryError(ValidationErrorCode.UnsupportedManifest, `The image manifest is malformed: ${reason}.`);
}

/** A registry-supplied value for a message: printable ASCII, at most 100 characters. */
function printable(text: string): string {
  return shorten(text.replace(/[^\x20-\x7e]/g, '?'), 99);
}
