/**
 * A minimal, test-only `RepositoryReader` over plain HTTPS (`httpsRequest`, trusting the test CA),
 * for running `checkSignatures` against the real registries of the test environment.
 *
 * Temporary: the registry session in libs/oci is being made to implement `RepositoryReader` on
 * another branch (auth, egress policy, caching, typed errors). When the branches merge, the
 * signature e2e suite should use that session and this file should go. It handles anonymous and
 * Basic-auth registries only.
 */
import { createHash } from 'node:crypto';
import { RegistryError, ValidationErrorCode } from '@app/oci';
import type { FetchedManifest, ReferrerDescriptor, RepositoryReader } from '../../libs/oci/src/repository-reader';
import { basicAuthorization, httpsRequest, TestHttpResponse } from './services/https-request';

export interface TestRepositoryReaderOptions {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly caFile: string;
  readonly repository: string;
  readonly credentials?: { username: string; password: string };
}

export class TestRepositoryReader implements RepositoryReader {
  /** Paths requested, in order (`GET /v2/…`). */
  readonly requests: string[] = [];

  constructor(private readonly options: TestRepositoryReaderOptions) {}

  async fetchManifest(reference: string, accept: readonly string[]): Promise<FetchedManifest | null> {
    const response = await this.get(`manifests/${reference}`, { accept: accept.join(', ') });
    if (response.status === 404) return null;
    this.expectOk(response, `manifest ${reference}`);
    const digest = sha256(response.body);
    if (reference.includes(':') && reference !== digest) {
      throw new RegistryError(ValidationErrorCode.DigestMismatch, `Manifest ${reference} has digest ${digest}.`);
    }
    return { digest, mediaType: String(response.headers['content-type'] ?? ''), bytes: response.body };
  }

  async fetchBlob(digest: string, maxBytes: number): Promise<Buffer> {
    const response = await this.get(`blobs/${digest}`);
    if (response.status === 404) throw new RegistryError(ValidationErrorCode.RegistryError, `Blob ${digest} does not exist.`);
    this.expectOk(response, `blob ${digest}`);
    if (response.body.length > maxBytes) throw new RegistryError(ValidationErrorCode.ManifestTooLarge, `Blob ${digest} is over ${maxBytes} bytes.`);
    if (sha256(response.body) !== digest) throw new RegistryError(ValidationErrorCode.DigestMismatch, `Blob ${digest} does not match its digest.`);
    return response.body;
  }

  async fetchReferrers(digest: string, artifactType?: string): Promise<ReferrerDescriptor[] | null> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const response = await this.get(`referrers/${digest}${query}`, { accept: 'application/vnd.oci.image.index.v1+json' });
    // distribution 2.8 has no such route: 404 (registries with the API answer an empty index for an unknown digest).
    if (response.status === 404) return null;
    this.expectOk(response, `referrers of ${digest}`);
    const manifests = (response.json<{ manifests?: ReferrerDescriptor[] }>().manifests ?? []) as ReferrerDescriptor[];
    return artifactType ? manifests.filter((entry) => entry.artifactType === artifactType) : manifests;
  }

  private get(path: string, headers: Record<string, string> = {}): Promise<TestHttpResponse> {
    const pathname = `/v2/${this.options.repository}/${path}`;
    this.requests.push(`GET ${pathname}`);
    const { credentials } = this.options;
    return httpsRequest(new URL(pathname, this.options.url), {
      caFile: this.options.caFile,
      headers: { ...headers, ...(credentials ? { authorization: basicAuthorization(credentials.username, credentials.password) } : {}) },
    });
  }

  private expectOk(response: TestHttpResponse, what: string): void {
    if (response.status === 200) return;
    const retryable = response.status >= 500 || response.status === 429;
    throw new RegistryError(
      retryable ? ValidationErrorCode.RegistryUnreachable : ValidationErrorCode.RegistryError,
      `Reading ${what} answered HTTP ${response.status}.`,
      { retryable },
    );
  }
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
