// The leaf module, not @app/common's index: libs/oci stays free of Nest.
import { shorten } from '@app/common/text';

/**
 * Thrown by `ImageReference.parse` when the user-supplied image reference is
 * not acceptable. The message is user-facing: it says what is wrong and, where
 * possible, how to write the reference instead.
 */
export class InvalidImageReferenceError extends Error {
  override readonly name = 'InvalidImageReferenceError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * Why validating an image failed: the one vocabulary of validation outcome codes. Raised by
 * this library (RegistryError) and by the worker (credentials it cannot decrypt), stored on
 * the template (libs/db) and listed in the API document. Values are the wire strings.
 */
export enum ValidationErrorCode {
  InvalidCredentials = 'invalid_credentials',
  AccessDenied = 'access_denied',
  RepositoryNotFound = 'repository_not_found',
  ManifestNotFound = 'manifest_not_found',
  PlatformUnsupported = 'platform_unsupported',
  UnsupportedManifest = 'unsupported_manifest',
  DigestMismatch = 'digest_mismatch',
  ManifestTooLarge = 'manifest_too_large',
  RegistryAddressBlocked = 'registry_address_blocked',
  TlsError = 'tls_error',
  RegistryUnreachable = 'registry_unreachable',
  RateLimited = 'rate_limited',
  RegistryError = 'registry_error',
  InvalidReference = 'invalid_reference',
  /** A layer (or the config) the manifest names is not in the repository: the image cannot be pulled. Permanent. */
  BlobMissing = 'blob_missing',
  /** The image's CUDA requirement needs a newer NVIDIA driver than the fleet's GPU_DRIVER_VERSION. Permanent. */
  CudaUnsupported = 'cuda_unsupported',
  /** The registry's token realm is plain http:// on a host not listed as insecure. Permanent. */
  InsecureRealm = 'insecure_realm',
  /** The stored token could not be decrypted (raised by the worker, not by the registry client). */
  CredentialsUnreadable = 'credentials_unreadable',
  /** The secret carries its own expiry (a JWT's exp, an ECR password's expiration) and it has passed: rotate it. */
  CredentialsExpired = 'credentials_expired',
  /** The template's registry credential is for another registry than the image's: it is not sent. */
  CredentialRegistryMismatch = 'credential_registry_mismatch',
  /** The org's signature policy requires a signature and none by a trusted key was found. */
  SignatureMissing = 'signature_missing',
  /** Signatures by a trusted key exist but none verifies (altered payload, another digest, another repository). */
  SignatureInvalid = 'signature_invalid',
}

export interface RegistryErrorOptions {
  /** True when trying again later may succeed (network trouble, 5xx, 429). Defaults to false. */
  retryable?: boolean;
  /** How long the registry asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
}

/**
 * A failure talking to a registry, or an image the product cannot run.
 *
 * `message` is user-facing: it says what to fix. It never contains a password,
 * a token or an Authorization header, and quotes at most a short, sanitized
 * excerpt of what the registry said.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ValidationErrorCode,
    message: string,
    options: RegistryErrorOptions = {},
  ) {
    super(message);
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Longest excerpt of a registry-provided error message we put into our own messages. */
const MAX_REGISTRY_MESSAGE_LENGTH = 200;

/**
 * Makes a registry-provided text safe to show: control characters removed,
 * known secrets redacted, length capped.
 */
export function sanitizeRegistryMessage(text: string, secrets: readonly string[] = []): string {
  let clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  }
  clean = clean.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]');
  return shorten(clean, MAX_REGISTRY_MESSAGE_LENGTH - 1);
}
