import { RegistryError, ValidationErrorCode } from '@app/oci';
import { awsErrorToRegistryError } from './aws-errors';

const context = { action: 'Amazon ECR GetAuthorizationToken in eu-west-1', secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'] };
const awsError = (name: string, status: number | undefined, message = 'something', fault?: 'client' | 'server') =>
  Object.assign(new Error(message), { name, $fault: fault, $metadata: status === undefined ? {} : { httpStatusCode: status } });

describe('awsErrorToRegistryError', () => {
  it.each([
    ['UnrecognizedClientException', 400, ValidationErrorCode.InvalidCredentials, false],
    ['InvalidSignatureException', 400, ValidationErrorCode.InvalidCredentials, false],
    ['InvalidClientTokenId', 403, ValidationErrorCode.InvalidCredentials, false],
    ['SignatureDoesNotMatch', 403, ValidationErrorCode.InvalidCredentials, false],
    ['AccessDeniedException', 400, ValidationErrorCode.AccessDenied, false],
    ['AccessDenied', 403, ValidationErrorCode.AccessDenied, false],
    ['ThrottlingException', 400, ValidationErrorCode.RateLimited, true],
    ['Throttling', 400, ValidationErrorCode.RateLimited, true],
    ['ServerException', 500, ValidationErrorCode.RegistryUnreachable, true],
    ['InvalidParameterException', 400, ValidationErrorCode.RegistryError, false],
  ])('%s (HTTP %s) is %s', (name, status, code, retryable) => {
    const mapped = awsErrorToRegistryError(awsError(name, status), context);
    expect(mapped).toBeInstanceOf(RegistryError);
    expect({ code: mapped.code, retryable: mapped.retryable }).toEqual({ code, retryable });
    expect(mapped.message).toContain(context.action);
  });

  it('treats network failures (no HTTP answer) as transient', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const mapped = awsErrorToRegistryError(refused, context);
    expect(mapped).toMatchObject({ code: ValidationErrorCode.RegistryUnreachable, retryable: true });
    expect(mapped.message).toContain('ECONNREFUSED');
    expect(awsErrorToRegistryError(awsError('TimeoutError', undefined), context).retryable).toBe(true);
  });

  it('never repeats a secret AWS might quote', () => {
    const mapped = awsErrorToRegistryError(awsError('SignatureDoesNotMatch', 403, `bad key ${context.secrets[0]}`), context);
    expect(mapped.message).not.toContain(context.secrets[0]);
  });

  it('passes RegistryErrors through', () => {
    const original = new RegistryError(ValidationErrorCode.RegistryError, 'no token');
    expect(awsErrorToRegistryError(original, context)).toBe(original);
  });
});
