import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';
import type { ValueLocation } from './value-location.js';

/** A value was sealed under a key id that the key ring does not hold. */
export class UnknownKeyError extends EncryptedRedisError {
  constructor(
    readonly keyId: string,
    readonly location?: ValueLocation,
  ) {
    super(ErrorCode.UnknownKey, messages.unknownKey(keyId, location));
  }

  /** The same error, naming where the value lives. */
  at(location: ValueLocation): UnknownKeyError {
    return new UnknownKeyError(this.keyId, location);
  }
}
