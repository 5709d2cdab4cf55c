import { RegistryError, sanitizeRegistryMessage, ValidationErrorCode } from '@app/oci';

/** AWS error codes (the SDK's error `name`) that mean the keys themselves are wrong. */
const INVALID_KEYS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidAccessKeyId',
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
]);
/** The keys are fine, but not allowed to do this. */
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'NotAuthorized']);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

interface AwsSdkError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

export interface AwsFailureContext {
  /** What was asked, e.g. `Amazon ECR GetAuthorizationToken in eu-west-1`. */
  action: string;
  /** Redacted from anything AWS said, should it ever quote them. */
  secrets: readonly string[];
}

/**
 * Maps what the AWS SDK threw to the validation codes: wrong keys are invalid_credentials,
 * missing permissions access_denied (both permanent: rotate or fix the policy), throttling
 * rate_limited and network trouble or AWS's own 5xx registry_unreachable (both transient,
 * retried by the queue). Messages say what to fix and quote AWS only through the sanitizer.
 */
export function awsErrorToRegistryError(error: unknown, context: AwsFailureContext): RegistryError {
  if (error instanceof RegistryError) return error;
  const failure = (error ?? {}) as AwsSdkError;
  const name = failure.name ?? 'Error';
  const status = failure.$metadata?.httpStatusCode;
  const said = failure.message ? ` AWS said: ${sanitizeRegistryMessage(failure.message, context.secrets)}` : '';
  if (INVALID_KEYS.has(name)) {
    return new RegistryError(
      ValidationErrorCode.InvalidCredentials,
      `${context.action} refused the AWS keys (${name}): check aws_access_key_id and aws_secret_access_key and rotate the credential.${said}`,
    );
  }
  if (DENIED.has(name) || status === 403) {
    return new RegistryError(
      ValidationErrorCode.AccessDenied,
      `${context.action} was denied (${name}): the keys' IAM policy must allow ecr:GetAuthorizationToken (and sts:AssumeRole on the role, whose trust policy must allow them).${said}`,
    );
  }
  if (THROTTLED.has(name) || status === 429) {
    return new RegistryError(ValidationErrorCode.RateLimited, `${context.action} was throttled by AWS (${name}); retrying later`, { retryable: true });
  }
  if (status === undefined || status >= 500 || failure.$fault === 'server') {
    const why = status === undefined ? (failure.code ?? name) : `HTTP ${status}`;
    return new RegistryError(ValidationErrorCode.RegistryUnreachable, `${context.action} failed: AWS could not be reached (${why}); retrying later`, {
      retryable: true,
    });
  }
  return new RegistryError(ValidationErrorCode.RegistryError, `${context.action} failed (${name}, HTTP ${status}).${said}`);
}
