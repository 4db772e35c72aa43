import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/**
 * The key service (for example AWS KMS) could not provide a key right now.
 * Retriable, and distinct from an integrity failure: the data is not at fault.
 */
export class KeyUnavailableError extends EncryptedRedisError {
  constructor(
    readonly keyId: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.KeyUnavailable, messages.keyUnavailable(keyId, detail), options);
  }

  override get retriable(): boolean {
    return true;
  }
}
