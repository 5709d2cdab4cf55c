import { z } from 'zod';
import { AppSpecSchema } from './apps';
import { SignatureFindingSchema } from './signatures/signature-finding';

/**
 * What validating an image against its registry found: the one definition of the report's
 * shape (its type, and the API document's `ValidationReport`, come from it). Keys are
 * snake_case: the report is stored and returned by the API as-is.
 */
export const ImageValidationReportSchema = z
  .object({
    resolved_digest: z.string().meta({
      description: 'Digest of the manifest the reference resolves to (the index, for multi-platform images).',
    }),
    media_type: z.string().meta({ description: 'Media type of that top-level manifest.' }),
    platform: z
      .object({ os: z.string(), architecture: z.string(), variant: z.string().optional() })
      .meta({ description: 'The platform that will run: always linux/amd64 once validated.' }),
    platform_digest: z.string().meta({
      description: 'Digest of the linux/amd64 image manifest (equals resolved_digest for single-platform images).',
    }),
    total_size_bytes: z.int().meta({
      format: 'int64',
      description: 'Config blob plus all layers of the platform manifest, compressed as stored in the registry.',
    }),
    cuda_version: z.string().nullable().meta({ description: '`CUDA_VERSION` from the image environment, or null.' }),
    apps: z.array(AppSpecSchema),
    signatures: z.array(SignatureFindingSchema).optional().meta({
      description: "The resolved digest's signatures checked against the organization's trusted keys (present when its image policy has keys).",
    }),
  })
  .meta({ description: 'What the registry said about the image at the last successful check.' });

export type ImageValidationReport = z.infer<typeof ImageValidationReportSchema>;
