import type { Descriptor } from './manifest';

/** A manifest as the registry served it, checked against its digest. */
export interface FetchedManifest {
  /** `sha256:…` of `bytes`. */
  readonly digest: string;
  /** The media type the registry declared (and the body's own `mediaType` agrees with). */
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** A referrer of a manifest (OCI 1.1): a descriptor of the referrers index, with its artifact type. */
export interface ReferrerDescriptor extends Descriptor {
  readonly artifactType?: string;
}

/**
 * Authenticated, egress-vetted read access to one repository for the duration of one
 * validation. The registry session implements it; code that only needs to read content
 * (signature discovery and verification, lazy-pull detection) depends on this interface,
 * not on the transport, so it can be tested against any implementation.
 *
 * Errors are `RegistryError`s with the usual codes (credentials, denial, transient
 * failures); "does not exist" is answered with null where a caller must tell it apart.
 */
export interface RepositoryReader {
  /** The manifest at a tag or digest; null when the registry says it does not exist. */
  fetchManifest(reference: string, accept: readonly string[]): Promise<FetchedManifest | null>;
  /** A blob's bytes, checked against `digest`; throws when missing or larger than `maxBytes`. */
  fetchBlob(digest: string, maxBytes: number): Promise<Buffer>;
  /**
   * The referrers of `digest` from the OCI 1.1 referrers API (`GET /v2/<name>/referrers/<digest>`),
   * filtered by `artifactType` when given; null when the registry has no referrers API.
   */
  fetchReferrers(digest: string, artifactType?: string): Promise<ReferrerDescriptor[] | null>;
}
