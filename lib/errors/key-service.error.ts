import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/**
 * The key service (for example AWS KMS) answered but refused the request:
 * access denied, key disabled or pending deletion, a wrapped data key that
 * does not open. Not retriable: the configuration or the key registry needs fixing.
 */
export class KeyServiceError extends EncryptedRedisError {
  constructor(
    readonly keyId: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.KeyService, messages.keyService(keyId, detail), options);
  }
}
