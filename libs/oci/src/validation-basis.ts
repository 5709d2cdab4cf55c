import { z } from 'zod';
import type { ImageConfig } from './image-config';
import type { ImageValidationReport } from './image-validation-report';
import type { ImageManifest } from './manifest';

/**
 * What a report was derived from, beyond the report itself: the blobs of the linux/amd64
 * image and the environment entries its CUDA requirement is read from. Stored next to the
 * report (not returned by the API), it lets a re-validation whose manifest `HEAD` still
 * answers the same digest check the image again without any `GET`: the blobs are `HEAD`ed
 * and the CUDA requirement is evaluated against today's driver, while the rest of the report
 * (content-addressed facts of that digest) is reused.
 *
 * Bump VALIDATION_BASIS_VERSION whenever what a report says about an image changes (a new
 * field, another rule for apps or lazy pulling): older bases are then not reused, and the
 * next validation of each image reads it in full.
 */
export const VALIDATION_BASIS_VERSION = 1;

const BlobSchema = z.object({
  digest: z.string(),
  mediaType: z.string(),
  size: z.number(),
  urls: z.array(z.string()).optional(),
});

export const ValidationBasisSchema = z.object({
  version: z.literal(VALIDATION_BASIS_VERSION),
  /** The report's `resolved_digest`. */
  digest: z.string(),
  config: BlobSchema,
  layers: z.array(BlobSchema),
  /** `CUDA_VERSION`, `NVIDIA_REQUIRE_*` and `NVIDIA_DISABLE_REQUIRE` entries of the config's Env, as `KEY=value`. */
  cuda_environment: z.array(z.string()),
});

export type ValidationBasis = z.infer<typeof ValidationBasisSchema>;

/** The last passed validation of a template, as stored: its report and the basis that came with it. */
export interface PreviousValidation {
  readonly report: ImageValidationReport;
  /** As stored (any shape): one this version cannot use means a full validation. */
  readonly basis: unknown;
}

/** A previous validation this version can build on, or undefined. */
export function usableBasis(previous: PreviousValidation | undefined): ValidationBasis | undefined {
  if (!previous) return undefined;
  const parsed = ValidationBasisSchema.safeParse(previous.basis);
  return parsed.success && parsed.data.digest === previous.report.resolved_digest ? parsed.data : undefined;
}

const CUDA_VARIABLE = /^(CUDA_VERSION|NVIDIA_REQUIRE_[^=]*|NVIDIA_DISABLE_REQUIRE)=/;

export function basisOf(digest: string, image: ImageManifest, config: ImageConfig): ValidationBasis {
  return {
    version: VALIDATION_BASIS_VERSION,
    digest,
    config: blobOf(image.config),
    layers: image.layers.map(blobOf),
    cuda_environment: config.env.filter((entry) => CUDA_VARIABLE.test(entry)),
  };
}

function blobOf(descriptor: ImageManifest['config']): ValidationBasis['config'] {
  const { digest, mediaType, size, urls } = descriptor;
  return { digest, mediaType, size, ...(urls?.length ? { urls: [...urls] } : {}) };
}
