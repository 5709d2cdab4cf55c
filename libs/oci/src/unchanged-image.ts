import { cudaReportOf } from './cuda/cuda-requirement';
import type { ImageValidationReport } from './image-validation-report';
import type { RepositorySession } from './registry-session';
import { checkBlobPresent, checkLayersPresent } from './repository-content';
import type { ValidationBasis } from './validation-basis';

/**
 * Checks again an image whose manifest `HEAD` answered the digest of the previous report,
 * without a `GET`: what is content-addressed under that digest (platform, config fields,
 * apps, layer sizes and formats) is the previous report's; what is not is checked again:
 * every blob is `HEAD`ed (it may have been garbage-collected) and the CUDA requirement is
 * evaluated against the fleet's driver of today. A SOCI index found (or not) before is kept:
 * looking again would cost a manifest `GET` on registries without the referrers API.
 */
export async function recheckUnchanged(
  session: RepositorySession,
  previous: ImageValidationReport,
  basis: ValidationBasis,
  gpuDriverVersion: string | undefined,
): Promise<ImageValidationReport> {
  const cuda = cudaReportOf(basis.cuda_environment, gpuDriverVersion);
  await Promise.all([
    checkBlobPresent(session, basis.config, { kind: 'blob', description: 'The image configuration', digest: basis.config.digest }),
    checkLayersPresent(session, basis.layers),
  ]);
  // Field by field: nothing the previous report held beyond the registry's facts (signatures, drift) is carried over.
  return {
    resolved_digest: previous.resolved_digest,
    media_type: previous.media_type,
    platform: previous.platform,
    platform_digest: previous.platform_digest,
    total_size_bytes: previous.total_size_bytes,
    layers: basis.layers.length,
    largest_layer_bytes: basis.layers.reduce((largest, layer) => Math.max(largest, layer.size), 0),
    lazy_pull: previous.lazy_pull,
    entrypoint: previous.entrypoint ?? null,
    cmd: previous.cmd ?? null,
    working_dir: previous.working_dir ?? null,
    user: previous.user ?? null,
    cuda_version: previous.cuda_version,
    ...cuda,
    apps: previous.apps,
  };
}
