import { z } from 'zod';
import { AppSpecSchema } from './apps';
import { SignatureFindingSchema } from './signatures/signature-finding';

const argumentList = z.array(z.string()).nullable();

/**
 * What validating an image against its registry found: the one definition of the report's
 * shape (its type, and the API document's `ValidationReport`, come from it). Keys are
 * snake_case: the report is stored and returned by the API as-is.
 *
 * Fields added after reports were first stored are optional in the schema (stored reports
 * are returned as they are); the worker always fills them.
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
    layers: z.int().optional().meta({ description: 'Number of layers of the platform manifest; every one was found in the registry.' }),
    largest_layer_bytes: z.int().optional().meta({ format: 'int64', description: 'Compressed size of the largest layer (0 without layers).' }),
    lazy_pull: z
      .object({
        estargz: z.boolean().meta({ description: 'A layer carries the eStargz TOC annotation (containerd.io/snapshot/stargz/toc.digest).' }),
        zstd_chunked: z.boolean().meta({
          description: 'A layer carries the zstd:chunked manifest annotation (io.github.containers.zstd-chunked.manifest-checksum).',
        }),
        soci: z.boolean().meta({
          description: 'A SOCI index exists for the image: a v1 index among its referrers, or a v2 index bound to the image manifest.',
        }),
      })
      .optional()
      .meta({ description: 'Which lazy-pulling snapshotters could start the image without downloading it whole.' }),
    entrypoint: argumentList.optional().meta({ description: 'The image config\'s Entrypoint, or null when unset.' }),
    cmd: argumentList.optional().meta({ description: 'The image config\'s Cmd, or null when unset.' }),
    working_dir: z.string().nullable().optional().meta({ description: 'The image config\'s WorkingDir, or null when unset.' }),
    user: z.string().nullable().optional().meta({ description: 'The image config\'s User, or null when unset (root).' }),
    cuda_version: z.string().nullable().meta({ description: '`CUDA_VERSION` from the image environment, or null.' }),
    cuda_requirement: z.string().nullable().optional().meta({
      description:
        'The CUDA constraint the NVIDIA Container Toolkit checks at start: `NVIDIA_REQUIRE_CUDA` as written (space-separated alternatives of comma-separated conditions), or `cuda>=<major>.<minor>` from `CUDA_VERSION` alone; null when the image has neither.',
    }),
    min_driver_version: z.string().nullable().optional().meta({
      description:
        'The oldest NVIDIA driver from which on every driver passes that constraint, by NVIDIA\'s CUDA toolkit → driver table (with minor-version compatibility when the image turns the toolkit\'s checks off); null when unknown or without CUDA.',
    }),
    apps: z.array(AppSpecSchema),
    signatures: z.array(SignatureFindingSchema).optional().meta({
      description: "The resolved digest's signatures checked against the organization's trusted keys (present when its image policy has keys).",
    }),
  })
  .meta({ description: 'What the registry said about the image at the last successful check.' });

export type ImageValidationReport = z.infer<typeof ImageValidationReportSchema>;
