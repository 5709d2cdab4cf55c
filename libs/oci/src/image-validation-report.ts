import { AppSpec } from './apps';

/**
 * What validating an image against its registry found. Keys are snake_case:
 * the report is stored and returned by the API as-is.
 */
export interface ImageValidationReport {
  /** Digest of the manifest the reference resolves to (the index, for multi-platform images). */
  resolved_digest: string;
  /** Media type of that top-level manifest. */
  media_type: string;
  /** The platform that will run: always linux/amd64 once validated. */
  platform: { os: string; architecture: string; variant?: string };
  /** Digest of the linux/amd64 image manifest (equals resolved_digest for single-platform images). */
  platform_digest: string;
  /** Config blob plus all layers of the platform manifest, compressed as stored in the registry. */
  total_size_bytes: number;
  /** `CUDA_VERSION` from the image environment, or null. */
  cuda_version: string | null;
  apps: AppSpec[];
}
