import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** A configured key is unusable (wrong length, duplicate id, no primary). Thrown at startup. */
export class KeyConfigurationError extends EncryptedRedisError {
  constructor(
    readonly keyId: string | undefined,
    problem: string,
  ) {
    super(ErrorCode.KeyConfiguration, messages.keyConfiguration(keyId, problem));
  }
}
