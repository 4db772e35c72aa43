import { KeyServiceError } from '../errors/key-service.error.js';
import { KeyUnavailableError } from '../errors/key-unavailable.error.js';

/** What an AWS SDK error carries that classifies it; never the request or its body. */
interface SdkFailure {
  readonly name?: string;
  readonly code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

/** KMS answers that mean "try again later". */
const TRANSIENT = new Set([
  'ThrottlingException',
  'LimitExceededException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'InternalFailure',
]);

/** What to do about refusals that need an operator. */
const HINTS: Record<string, string> = {
  AccessDeniedException:
    'the IAM principal lacks a KMS permission or the encryption-context condition does not match; see docs/kms.md',
  DisabledException: 'the KMS key is disabled; enable it',
  KMSInvalidStateException:
    'the KMS key is pending deletion or otherwise unusable; cancel its deletion',
  NotFoundException:
    'the KMS key does not exist in this account and region; check `kms.keyId` and the region',
  InvalidCiphertextException:
    'the wrapped data key does not open: the registry entry was altered, or `application` / `ringName` differ from those it was made with',
  IncorrectKeyException: 'the wrapped data key belongs to another KMS key than the registry says',
  InvalidKeyUsageException: 'the KMS key is not a symmetric ENCRYPT_DECRYPT key',
  UnrecognizedClientException: 'the AWS credentials are not valid',
  InvalidSignatureException: 'the AWS credentials or the clock are wrong',
  CredentialsProviderError: 'no AWS credentials were found by the default provider chain',
};

function failureName(error: SdkFailure): string {
  return error.name ?? error.code ?? 'Error';
}

/** How many attempts the SDK made, from the error's metadata; 1 when unknown. */
export function attemptsOf(error: unknown): number {
  return (error as SdkFailure | undefined)?.$metadata?.attempts ?? 1;
}

/** True when the failure is transient: throttling, a 5xx answer, a timeout, no answer at all. */
export function isTransient(error: unknown): boolean {
  const failure = (error ?? {}) as SdkFailure;
  const name = failureName(failure);
  if (TRANSIENT.has(name)) return true;
  if (name === 'CredentialsProviderError') return false;
  if (failure.$fault === 'server') return true;
  const status = failure.$metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 429;
}

/**
 * Turns an SDK failure into the library's typed error: `KeyUnavailableError`
 * (retriable) for transient trouble, `KeyServiceError` for refusals. Only the
 * error's name and the attempt count are described, never request contents.
 */
export function kmsFailure(
  error: unknown,
  operation: string,
  dataKeyId: string | undefined,
): KeyUnavailableError | KeyServiceError {
  const name = failureName(error ?? {});
  const attempts = attemptsOf(error);
  const tried = `KMS ${operation}: ${name} after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (isTransient(error)) return new KeyUnavailableError(dataKeyId, tried, { cause: error });
  const hint = HINTS[name] ?? 'see the cause for the answer of KMS';
  return new KeyServiceError(dataKeyId, `${tried}; ${hint}`, { cause: error });
}
