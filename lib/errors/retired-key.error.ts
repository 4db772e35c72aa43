import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';
import type { ValueLocation } from './value-location.js';

/** A value was sealed under a key that is retired: the key ring refuses to use it. */
export class RetiredKeyError extends EncryptedRedisError {
  constructor(
    readonly keyId: string,
    readonly location?: ValueLocation,
  ) {
    super(ErrorCode.RetiredKey, messages.retiredKey(keyId, location));
  }

  /** The same error, naming where the value lives. */
  at(location: ValueLocation): RetiredKeyError {
    return new RetiredKeyError(this.keyId, location);
  }
}
